"""The public JSON API under /api/v1, on flask-smorest: marshmallow schemas parse its
parameters and describe its answers, and the OpenAPI document is generated from them."""

from api.extension import Blueprint

bp = Blueprint(
    "api", __name__, url_prefix="/api/v1", description="Public challenges, entries and results."
)

from api import adoption, challenges, diversity, results, submissions  # noqa: E402, F401

"""The public JSON API under /api/v1: problem documents for errors, an OpenAPI document."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from api import challenges, results, routes, submissions  # noqa: E402, F401

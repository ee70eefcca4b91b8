"""Judging: rubric, judge panel, conflict-free blind assignment and reviews (results come later)."""

from flask import Blueprint

from judging import result_models, vote_models  # noqa: F401  (tables for the app and Alembic)
from judging.access import register_access

bp = Blueprint("judging", __name__)
register_access()

from judging import (  # noqa: E402, F401
    health_routes,
    judge_routes,
    public_routes,
    results_routes,
    round_routes,
    routes,
    vote_routes,
)

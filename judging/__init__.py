"""Judging: rubric, judge panel, conflict-free blind assignment and reviews (results come later)."""

from flask import Blueprint

from judging.access import register_access

bp = Blueprint("judging", __name__)
register_access()

from judging import judge_routes, routes  # noqa: E402, F401

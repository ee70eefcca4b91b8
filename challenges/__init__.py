"""Challenges: the front page now; drafting, review, funding and browsing come with their issue."""

from flask import Blueprint

bp = Blueprint("challenges", __name__)

from challenges import routes  # noqa: E402, F401

"""Challenges: drafting, review, publication, browsing and search, Q&A, updates, follows."""

from flask import Blueprint

bp = Blueprint("challenges", __name__)

from challenges import community_routes, routes, sponsor_routes  # noqa: E402, F401

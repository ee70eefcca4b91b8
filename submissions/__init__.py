"""Submissions: entries, immutable versions, attachments, teams, lineage, the openness policy."""

from flask import Blueprint

bp = Blueprint("submissions", __name__)

from submissions import (  # noqa: E402, F401
    attachment_routes,
    export_routes,
    gallery_routes,
    manage_routes,
    routes,
    team_routes,
)

"""Accounts: users, organizations, memberships, sign-up and sign-in, profiles, platform admin."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
orgs_bp = Blueprint("orgs", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

from accounts import (  # noqa: E402, F401
    admin_jobs,
    admin_routes,
    background_routes,
    data_routes,
    deletion_routes,
    email_routes,
    notice_routes,
    org_routes,
    rights_routes,
    routes,
    terms_routes,
)

"""Platform admin page: users and organizations with search."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from accounts import admin_bp as bp
from accounts.models import Organization, User
from accounts.policies import can_view_admin
from core import sections
from core.db import db
from core.paging import page_arg, redirect_past_end


def _like(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    if not can_view_admin(current_user):
        abort(403)
    q = request.args.get("q", "").strip()[:100]
    tab = request.args.get("tab", "users")
    if tab not in {"users", "orgs"}:
        tab = "users"
    page = page_arg()
    per_page = current_app.config["PER_PAGE"]
    if tab == "users":
        query = sa.select(User).order_by(User.created_at.desc(), User.id.desc())
        if q:
            pattern = _like(q)
            query = query.where(
                sa.or_(
                    User.email.like(pattern, escape="\\"),
                    User.handle.like(pattern, escape="\\"),
                    sa.func.lower(User.display_name).like(pattern, escape="\\"),
                )
            )
    else:
        query = sa.select(Organization).order_by(Organization.name, Organization.id)
        if q:
            pattern = _like(q)
            query = query.where(
                sa.or_(
                    sa.func.lower(Organization.name).like(pattern, escape="\\"),
                    Organization.slug.like(pattern, escape="\\"),
                )
            )
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if (past_end := redirect_past_end(pagination)) is not None:
        return past_end
    return render_template(
        "admin/index.html",
        tab=tab,
        q=q,
        pagination=pagination,
        alert_sections=sections.collect("admin.alerts"),
        tab_sections=sections.collect("admin.tabs"),
    )

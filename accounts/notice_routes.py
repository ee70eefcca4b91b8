"""The notifications page: what the platform told the account, newest first."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from flask_login import current_user, login_required

from accounts import bp, notices
from accounts.forms import ConfirmForm
from core.paging import page_arg, redirect_past_end


@bp.get("/notifications")
@login_required
def notifications() -> ResponseReturnValue:
    pagination = notices.notices_page(current_user, page_arg())
    if (past_end := redirect_past_end(pagination)) is not None:
        return past_end
    return render_template(
        "accounts/notifications.html", pagination=pagination, confirm_form=ConfirmForm()
    )


@bp.post("/notifications/read")
@login_required
def read_all() -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        count = notices.mark_all_read(current_user)
        flash(
            ngettext(
                "Marked %(num)d notification as read.",
                "Marked %(num)d notifications as read.",
                count,
            ),
            "success",
        )
    return redirect(url_for("accounts.notifications"))


@bp.get("/notifications/<int:notice_id>")
@login_required
def open_notice(notice_id: int) -> ResponseReturnValue:
    link = notices.open_notice(current_user, notice_id)
    if link is None:
        abort(404)
    return redirect(link or url_for("accounts.notifications"))

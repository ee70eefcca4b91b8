"""E-mail settings on the account, and the unsubscribe links every optional e-mail carries."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import bp
from accounts import email_settings as settings
from accounts.forms import EmailSettingsForm
from core.errors import DomainError
from core.extensions import csrf


@bp.route("/account/emails", methods=["GET", "POST"])
@login_required
def email_settings() -> ResponseReturnValue:
    form = EmailSettingsForm()
    if request.method == "GET":
        for kind in settings.KINDS.values():
            getattr(form, kind.name).data = getattr(current_user, kind.column)
    if form.validate_on_submit():
        wanted = {kind for kind in settings.KINDS if getattr(form, kind).data}
        settings.save_settings(actor=current_user, wanted=wanted)
        flash(_("E-mail settings saved."), "success")
        return redirect(url_for("accounts.email_settings"))
    return render_template(
        "accounts/email_settings.html",
        form=form,
        kinds=settings.KINDS,
        essential=settings.ESSENTIAL,
    ), 422 if form.errors else 200


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str) -> ResponseReturnValue:
    """Ask before acting: mail scanners open links, and a GET must not change settings."""
    try:
        user, kind = settings.read_unsubscribe(token)
    except DomainError as error:
        return render_template("accounts/unsubscribe.html", error=error.message), error.status
    return render_template("accounts/unsubscribe.html", user=user, kind=kind, done=False)


@bp.post("/unsubscribe/<token>")
# RFC 8058: mail clients POST "List-Unsubscribe=One-Click", no form; the signed link is proof.
@csrf.exempt
def unsubscribe_confirmed(token: str) -> ResponseReturnValue:
    try:
        user, kind = settings.unsubscribe(token)
    except DomainError as error:
        return render_template("accounts/unsubscribe.html", error=error.message), error.status
    return render_template("accounts/unsubscribe.html", user=user, kind=kind, done=True)

"""A signed-in person's own password and e-mail address."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import bp, rights
from accounts.forms import ChangeEmailForm, ChangePasswordForm, ConfirmForm
from core.extensions import limiter
from core.forms import domain_errors


def _ip_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_IP"]


def _account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def _account_key() -> str:
    # Guessing the current password is limited per account, as signing in is.
    return f"credentials:{current_user.id}"


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(_ip_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            rights.change_password(
                actor=current_user,
                current_password=form.current_password.data,
                new_password=form.password.data,
            )
        if not refused:
            flash(
                _(
                    "Your password is changed. Every other browser signed in to your account "
                    "was signed out."
                ),
                "success",
            )
            return redirect(url_for("accounts.account"))
    return render_template("accounts/change_password.html", form=form), (
        422 if form.errors else 200
    )


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit(_ip_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])
def change_email() -> ResponseReturnValue:
    form = ChangeEmailForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            new_email = rights.request_email_change(
                actor=current_user,
                current_password=form.current_password.data,
                new_email=form.email.data,
            )
        if not refused:
            flash(
                _(
                    "We sent a link to %(email)s. Your address changes when you open it.",
                    email=new_email,
                ),
                "info",
            )
            return redirect(url_for("accounts.change_email"))
    return render_template("accounts/change_email.html", form=form, cancel_form=ConfirmForm()), (
        422 if form.errors else 200
    )


@bp.post("/account/email/cancel")
@login_required
def cancel_email_change() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        rights.cancel_email_change(actor=current_user)
        flash(_("The change of e-mail address is cancelled; its link no longer works."), "info")
    return redirect(url_for("accounts.change_email"))


@bp.get("/account/email/confirm/<token>")
@login_required
def confirm_email_change(token: str) -> ResponseReturnValue:
    with domain_errors(flash_as="warning") as refused:
        changed = rights.confirm_email_change(actor=current_user, token=token)
    if not refused:
        if changed:
            flash(_("Your e-mail address is now %(email)s.", email=current_user.email), "success")
        else:
            flash(
                _(
                    "This link was already used: your address is %(email)s.",
                    email=current_user.email,
                ),
                "info",
            )
    return redirect(url_for("accounts.account"))

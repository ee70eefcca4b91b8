"""Sign-up, sign-in, e-mail verification, password reset, profile pages."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import bp, services
from accounts.auth import sign_in, sign_out
from accounts.forms import (
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    SignupForm,
)
from accounts.org_services import ROLE_NAMES, user_organizations
from accounts.policies import is_signed_in
from core import sections
from core.db import db
from core.extensions import limiter
from core.forms import domain_errors
from core.urls import safe_next_url


def _login_ip_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_IP"]


def _login_account_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_ACCOUNT"]


def _login_account_key() -> str:
    return "login:" + (request.form.get("email") or "").strip().lower()


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_login_ip_limit, methods=["POST"])
def signup() -> ResponseReturnValue:
    if is_signed_in(current_user):
        return redirect(url_for("challenges.home"))
    form = SignupForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            user = services.register_user(
                email=form.email.data,
                handle=form.handle.data,
                display_name=form.display_name.data,
                password=form.password.data,
                accepts_terms=form.accept_terms.data,
            )
        if not refused:
            sign_in(user)
            flash(_("Welcome! We sent you a link to confirm your e-mail address."), "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("challenges.home"))
    return render_template("accounts/signup.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_ip_limit, methods=["POST"])
@limiter.limit(_login_account_limit, key_func=_login_account_key, methods=["POST"])
def login() -> ResponseReturnValue:
    if is_signed_in(current_user):
        return redirect(url_for("challenges.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            sign_in(user, remember=form.remember.data)
            flash(_("Signed in as %(name)s.", name=user.display_name), "success")
            return redirect(safe_next_url(request.args.get("next")) or url_for("challenges.home"))
        form.form_errors.append(_("The e-mail or password is wrong."))
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        sign_out()
        flash(_("You are signed out."), "info")
    return redirect(url_for("challenges.home"))


@bp.get("/verify/<token>")
def verify_email(token: str) -> ResponseReturnValue:
    with domain_errors(flash_as="warning") as refused:
        services.verify_email(token)
    if not refused:
        flash(_("Thank you: your e-mail address is confirmed."), "success")
    return redirect(
        url_for("accounts.account") if is_signed_in(current_user) else url_for("accounts.login")
    )


def _resend_key() -> str:
    # Per account: behind a proxy many users share one address, and one user must not use
    # up everyone's resends.
    return f"resend:{current_user.id}"


@bp.post("/verify/resend")
@login_required
@limiter.limit("5 per hour", key_func=_resend_key)
def resend_verification() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit() and not current_user.is_verified:
        services.send_verification_email(current_user)
        db.session.commit()
        flash(_("We sent a new link to %(email)s.", email=current_user.email), "info")
    return redirect(url_for("accounts.account"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_ip_limit, methods=["POST"])
def forgot_password() -> ResponseReturnValue:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account uses that e-mail, a reset link is on its way."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form), 422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> ResponseReturnValue:
    with domain_errors(flash_as="warning") as refused:
        services.user_for_reset_token(token)
    if refused:
        return redirect(url_for("accounts.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            user = services.reset_password(token, form.password.data)
        if not refused:
            sign_in(user)
            flash(_("Your password is changed and you are signed in."), "success")
            return redirect(url_for("challenges.home"))
    return render_template("accounts/reset_password.html", form=form), 422 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            services.update_profile(
                actor=current_user,
                display_name=form.display_name.data,
                bio=form.bio.data or "",
                website=form.website.data or "",
                timezone=form.timezone.data or "",
                language=form.language.data or "",
            )
        if not refused:
            flash(_("Profile saved."), "success")
            return redirect(url_for("accounts.account"))
    return render_template(
        "accounts/account.html",
        form=form,
        organizations=user_organizations(current_user),
        role_names=ROLE_NAMES,
        confirm_form=ConfirmForm(),
        sidebar_sections=sections.collect("account.sidebar", viewer=current_user),
    ), 422 if form.errors else 200


@bp.get("/u/<handle>")
def profile(handle: str) -> ResponseReturnValue:
    user = services.get_user_by_handle(handle)
    if user is None and services.was_deleted(handle):
        # Entries and results still link to the person: say what happened instead of a 404.
        abort(
            410,
            _(
                "This account was deleted. Entries its owner published under an open licence "
                "stay public with their attribution."
            ),
        )
    if user is None:
        abort(404)
    return render_template(
        "accounts/profile.html",
        user=user,
        organizations=user_organizations(user),
        role_names=ROLE_NAMES,
        main_sections=sections.collect("profile.main", user=user, viewer=current_user),
    )

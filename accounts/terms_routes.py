"""The terms of service, privacy notice and accessibility statement, and accepting a new
version of the terms."""

from __future__ import annotations

from babel import dates as babel_dates
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import bp, rights
from accounts.forms import ConfirmForm
from accounts.policies import is_signed_in
from accounts.terms import TERMS_CHANGES, TERMS_EFFECTIVE, TERMS_VERSION
from core.i18n import babel_locale
from core.urls import safe_next_url

# Reachable before accepting a new version of the terms: the texts themselves, signing out,
# and what is not a page (files, the JSON API with its own tokens).
OPEN_ENDPOINTS = frozenset(
    {
        "accounts.terms",
        "accounts.privacy",
        "accounts.accessibility",
        "accounts.accept_terms",
        "accounts.logout",
        "static",
    }
)


def _terms_context() -> dict[str, object]:
    return {
        "terms_version": TERMS_VERSION,
        "terms_effective": TERMS_EFFECTIVE,
        # "December 4, 2026", "4 de diciembre de 2026": the reader's language.
        "terms_effective_text": babel_dates.format_date(
            TERMS_EFFECTIVE, "long", locale=babel_locale()
        ),
    }


@bp.before_app_request
def ask_for_new_terms() -> ResponseReturnValue | None:
    endpoint = request.endpoint or ""
    if (
        endpoint in OPEN_ENDPOINTS
        or endpoint.endswith(".static")
        or endpoint.startswith("api.")
        or not is_signed_in(current_user)
        or not rights.needs_terms(current_user)
    ):
        return None
    # full_path ends in "?" when there is no query string.
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.accept_terms", next=next_url))


@bp.get("/terms")
def terms() -> ResponseReturnValue:
    return render_template("accounts/legal/terms.html", **_terms_context())


@bp.get("/privacy")
def privacy() -> ResponseReturnValue:
    return render_template("accounts/legal/privacy.html", **_terms_context())


@bp.get("/accessibility")
def accessibility() -> ResponseReturnValue:
    return render_template("accounts/legal/accessibility.html")


@bp.route("/terms/accept", methods=["GET", "POST"])
@login_required
def accept_terms() -> ResponseReturnValue:
    form = ConfirmForm()
    next_url = safe_next_url(request.args.get("next")) or url_for("challenges.home")
    if not rights.needs_terms(current_user):
        return redirect(next_url)
    if form.validate_on_submit():
        rights.accept_terms(actor=current_user)
        flash(_("Thank you: you accepted the current terms and privacy notice."), "success")
        return redirect(next_url)
    return render_template(
        "accounts/legal/accept.html",
        form=form,
        changes=TERMS_CHANGES,
        first_time=current_user.terms_version is None,
        **_terms_context(),
    )

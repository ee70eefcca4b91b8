"""The optional background questions at /account/background."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import background, bp, services
from accounts.forms import BackgroundForm
from core.forms import domain_errors


@bp.route("/account/background", methods=["GET", "POST"])
@login_required
def background_form() -> ResponseReturnValue:
    form = BackgroundForm(obj=current_user)
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            services.update_background(
                actor=current_user,
                answers={column: form[column].data for column in background.FIELDS},
            )
        if not refused:
            flash(_("Background saved. Thank you."), "success")
            return redirect(url_for("accounts.background_form"))
    return render_template("accounts/background.html", form=form), 422 if form.errors else 200

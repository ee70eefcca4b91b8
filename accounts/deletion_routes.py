"""Delete my account: the page that explains what happens, and the confirmed request."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, logout_user
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from accounts import bp, deletion

# One budget of password guesses per account, shared with the other credential pages.
from accounts.rights_routes import _account_key, _account_limit, _ip_limit
from core.extensions import limiter
from core.forms import FlaskForm, domain_errors


class DeleteAccountForm(FlaskForm):
    show_as_former_member = BooleanField(
        _l('Show me as "Former member" instead of my name on what stays published')
    )
    handle = StringField(
        _l("Your handle"),
        validators=[DataRequired(), Length(max=31)],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Delete my account"))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(_ip_limit, methods=["POST"])
@limiter.limit(_account_limit, key_func=_account_key, methods=["POST"])
def delete_account() -> ResponseReturnValue:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            deletion.delete_account(
                actor=current_user,
                handle=form.handle.data,
                password=form.password.data,
                show_as_former_member=form.show_as_former_member.data,
            )
        if not refused:
            logout_user()  # the server-side sessions are already revoked
            flash(_("Your account is deleted."), "info")
            return redirect(url_for("challenges.home"))
    return render_template(
        "accounts/delete.html", form=form, obstacles=deletion.deletion_obstacles(current_user)
    ), 422 if form.errors or form.form_errors else 200

"""Payout set-up at /account/payouts (Stripe Connect Express) and the simulated onboarding page."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectChoice, SelectField, SubmitField
from wtforms.validators import Optional

from core.db import db
from core.forms import FlaskForm, domain_errors
from payments import bp
from payments.connect import onboarding
from payments.connect.models import COUNTRIES, ConnectedAccount, PayoutState
from payments.gateway import gateway
from payments.payouts.status import my_payouts

logger = logging.getLogger("openprize.payments")

RETURNED = {
    PayoutState.READY: (
        _l("Your payout account is ready: prizes you win are sent to it."),
        "success",
    ),
    PayoutState.DETAILS_NEEDED: (
        _l("Stripe still needs some details before it can send you prize money."),
        "warning",
    ),
    PayoutState.VERIFYING: (
        _l("Stripe is checking your details; this page shows the result once Stripe confirms."),
        "info",
    ),
    PayoutState.DISCONNECTED: (
        _l("OpenPrize no longer has access to your Stripe account."),
        "warning",
    ),
    PayoutState.NOT_SET_UP: (_l("Payouts are not set up yet."), "info"),
}


class PayoutSetupForm(FlaskForm):
    country = SelectField(
        _l("Country of your bank account"),
        choices=[SelectChoice(code, name) for code, name in COUNTRIES.items()],
        validators=[Optional()],
        description=_l("Stripe asks for the rest. It cannot be changed once the account exists."),
    )
    submit = SubmitField(_l("Set up payouts with Stripe"))


def _page(form: PayoutSetupForm, status: int = 200) -> ResponseReturnValue:
    account = onboarding.account_for(current_user)
    return render_template(
        "payments/payouts.html",
        account=account,
        state=account.state if account else PayoutState.NOT_SET_UP,
        due=onboarding.due_in_words(account) if account else [],
        form=form,
        countries=COUNTRIES,
        simulated=gateway().simulated,
        my_rows=my_payouts(current_user),
    ), status


@bp.get("/account/payouts")
@login_required
def payouts() -> ResponseReturnValue:
    account = onboarding.account_for(current_user)
    return _page(PayoutSetupForm(country=account.country if account else "US"))


@bp.post("/account/payouts")
@login_required
def start_payouts() -> ResponseReturnValue:
    form = PayoutSetupForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    with domain_errors() as refused:
        url = onboarding.start_onboarding(actor=current_user, country=form.country.data or None)
    if refused:
        return redirect(url_for("payments.payouts"))
    return redirect(url, code=303)


@bp.get("/account/payouts/return")
@login_required
def payouts_return() -> ResponseReturnValue:
    with domain_errors(flash_as="warning") as refused:
        account = onboarding.refresh_status(actor=current_user)
    if not refused:
        message, category = RETURNED[account.state if account else PayoutState.NOT_SET_UP]
        flash(str(message), category)
    return redirect(url_for("payments.payouts"))


@bp.get("/account/payouts/refresh")
@login_required
def payouts_refresh() -> ResponseReturnValue:
    with domain_errors(flash_as="warning") as refused:
        url = onboarding.refresh_onboarding(actor=current_user)
    if refused:
        return redirect(url_for("payments.payouts"))
    return redirect(url, code=303)


def _simulated_account(account_id: str) -> ConnectedAccount:
    """The signed-in user's own account on the simulator; anything else does not exist."""
    account = onboarding.account_for(current_user)
    if not gateway().simulated or account is None or account.stripe_account_id != account_id:
        abort(404, _("This onboarding link does not exist."))
    return account


@bp.get("/payments/simulated/onboarding/<account_id>")
@login_required
def simulated_onboarding(account_id: str) -> ResponseReturnValue:
    account = _simulated_account(account_id)
    return render_template("payments/simulated_onboarding.html", account=account)


@bp.post("/payments/simulated/onboarding/<account_id>")
@login_required
def simulated_onboarding_complete(account_id: str) -> ResponseReturnValue:
    _simulated_account(account_id)
    db.session.rollback()  # hold no locks while the simulator delivers the webhook
    try:
        gateway().simulator.complete_onboarding(account_id)
    except Exception as error:  # the simulator refuses e.g. a disconnected account
        logger.info("simulated onboarding of %s refused: %s", account_id, error)
        flash(_("This account can no longer be set up here. Start again below."), "warning")
        return redirect(url_for("payments.payouts"))
    return redirect(url_for("payments.payouts_return"))

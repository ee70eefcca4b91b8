"""Funding pages, the simulated Checkout page, the sponsor's ledger and the Stripe webhooks."""

from __future__ import annotations

import logging

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from challenges.forms import CancelForm
from challenges.policies import can_fund_challenge, is_sponsor_member
from challenges.services import get_challenge
from core.db import db
from core.errors import DomainError
from core.extensions import csrf, limiter
from core.paging import page_arg, redirect_past_end
from payments import bp, funding, ledger
from payments.gateway import SignatureInvalid, gateway
from payments.models import Funding
from payments.policies import can_view_ledger
from payments.webhooks import apply_event

logger = logging.getLogger("openprize.payments")


@bp.get("/challenges/<slug>/fund")
@login_required
def fund(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if not can_fund_challenge(current_user, challenge):
        abort(403, _("Only owners fund approved challenges that still need funds."))
    purse, fee = funding.fee_preview(challenge)
    return render_template(
        "payments/fund.html", challenge=challenge, purse=purse, fee=fee, form=CancelForm()
    )


@bp.post("/challenges/<slug>/fund")
@login_required
def start_funding(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    back = url_for("challenges.show", slug=challenge.slug, _external=True)
    row = funding.start_funding(
        actor=current_user,
        challenge=challenge,
        success_url=f"{back}?funding=returned",
        cancel_url=f"{back}?funding=cancelled",
    )
    return redirect(row.checkout_url, code=303)


def _simulated_session(session_id: str) -> Funding:
    if not gateway().simulated:
        abort(404)
    row = db.session.query(Funding).filter_by(checkout_session_id=session_id).one_or_none()
    if row is None:
        abort(404, _("This checkout session does not exist."))
    return row


@bp.get("/payments/simulated/checkout/<session_id>")
@login_required
def simulated_checkout(session_id: str) -> ResponseReturnValue:
    row = _simulated_session(session_id)
    if not is_sponsor_member(current_user, row.challenge):
        abort(403)
    return render_template("payments/simulated_checkout.html", funding=row, form=CancelForm())


@bp.post("/payments/simulated/checkout/<session_id>/<outcome>")
@login_required
def simulated_checkout_action(session_id: str, outcome: str) -> ResponseReturnValue:
    row = _simulated_session(session_id)
    if not is_sponsor_member(current_user, row.challenge):
        abort(403)
    slug = row.challenge.slug
    db.session.rollback()  # hold no locks while the simulator delivers the webhook
    if outcome == "cancel":
        return redirect(url_for("challenges.show", slug=slug, funding="cancelled"))
    if outcome not in {"paid", "async_pending"}:
        abort(404)
    try:
        gateway().simulator.complete_checkout(session_id, outcome)
    except Exception as error:  # the simulator refuses e.g. an expired session
        logger.info("simulated checkout %s refused: %s", session_id, error)
        flash(_("This checkout session can no longer be paid. Start the funding again."), "warning")
    return redirect(url_for("challenges.show", slug=slug, funding="returned"))


@bp.get("/challenges/<slug>/ledger")
@login_required
def challenge_ledger(slug: str) -> ResponseReturnValue:
    challenge = get_challenge(slug)
    if not can_view_ledger(current_user, challenge):
        abort(403)
    pagination = ledger.page_of_entries(challenge, page_arg(), current_app.config["PER_PAGE"])
    if (past_end := redirect_past_end(pagination)) is not None:
        return past_end
    return render_template(
        "payments/ledger.html",
        challenge=challenge,
        funds=ledger.summary(challenge),
        pagination=pagination,
        kind_in_words=ledger.kind_in_words,
        note_in_words=ledger.note_in_words,
    )


def _webhook(connect: bool) -> ResponseReturnValue:
    payload = request.get_data(cache=False)
    signature = request.headers.get("Stripe-Signature", "")
    try:
        event = gateway().verify_event(payload, signature, connect=connect)
    except SignatureInvalid:
        logger.warning("webhook with an invalid signature refused")
        return jsonify(error="invalid signature"), 400
    try:
        outcome = apply_event(event, "connect" if connect else "platform")
    except DomainError as error:
        db.session.rollback()
        logger.error("webhook %s not applied: %s", event.get("id"), error.message)
        return jsonify(error=error.message), 422
    logger.info("webhook %s %s: %s", event.get("id"), event.get("type"), outcome)
    return jsonify(received=True, outcome=outcome)


@bp.post("/payments/webhooks/stripe")
@csrf.exempt  # Stripe signs its requests instead
@limiter.exempt
def stripe_webhook() -> ResponseReturnValue:
    return _webhook(connect=False)


@bp.post("/payments/webhooks/stripe-connect")
@csrf.exempt
@limiter.exempt
def stripe_connect_webhook() -> ResponseReturnValue:
    return _webhook(connect=True)

"""Funding a challenge's prize purse through Stripe Checkout."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from accounts.models import User
from challenges.models import Challenge
from challenges.policies import can_fund_challenge
from challenges.services import lock_challenge
from core.db import db
from core.errors import Conflict, ensure
from core.money import fee_for
from payments.gateway import CheckoutSession, GatewayError, gateway
from payments.models import Funding, FundingStatus

logger = logging.getLogger("openprize.payments")
ACTIVE = (FundingStatus.CREATED, FundingStatus.OPEN, FundingStatus.PROCESSING)


def fee_preview(challenge: Challenge) -> tuple[int, int]:
    """(purse still to fund, platform fee on it) as the funding page shows them."""
    needed = challenge.funding_needed
    return needed, fee_for(needed, current_app.config["PLATFORM_FEE_BPS"])


def transfer_group(challenge_id: int) -> str:
    return f"challenge_{challenge_id}"


def start_funding(
    *, actor: User, challenge: Challenge, success_url: str, cancel_url: str
) -> Funding:
    """Record the funding intent, then open (or reopen) its Checkout Session.

    At most one funding is active per challenge: a double click or a second tab finds the row
    the first one committed and, through the same idempotency key, the same Checkout Session.
    """
    ensure(
        can_fund_challenge(actor, challenge),
        _("Only owners fund approved challenges that need funds."),
    )
    funding = _claim_funding(actor, challenge)
    if funding.status == FundingStatus.PROCESSING:
        raise Conflict(
            _("A payment for this purse is already being processed. Check back shortly.")
        )
    if funding.status == FundingStatus.OPEN and funding.checkout_url:
        return funding
    try:
        session = open_checkout(
            funding, challenge.title, success_url, cancel_url, customer_email=actor.email
        )
    except GatewayError as error:
        if error.definite:
            funding.status = FundingStatus.FAILED
            funding.failure_reason = error.message[:500]
            db.session.commit()
            raise Conflict(
                _("The payment provider refused the payment: %(reason)s", reason=error.message)
            ) from error
        logger.warning("checkout for funding %s: outcome unknown: %s", funding.id, error.message)
        raise Conflict(
            _("The payment provider did not answer. Nothing was charged; please try again.")
        ) from error
    funding = db.session.get(Funding, funding.id, populate_existing=True, with_for_update=True)
    if funding.status in (FundingStatus.CREATED, FundingStatus.OPEN):
        funding.status = FundingStatus.OPEN
        funding.checkout_session_id = session.id
        funding.checkout_url = session.url
    db.session.commit()
    return funding


def open_checkout(
    funding: Funding,
    title: str,
    success_url: str,
    cancel_url: str,
    *,
    customer_email: str | None = None,
) -> CheckoutSession:
    """The funding's Checkout Session at Stripe, under the row's key for its attempt."""
    return gateway().create_checkout_session(
        idempotency_key=funding.idempotency_key,
        currency=funding.currency,
        purse_amount=funding.purse_amount,
        fee_amount=funding.fee_amount,
        title=title,
        transfer_group=transfer_group(funding.challenge_id),
        success_url=success_url,
        cancel_url=cancel_url,
        metadata={"funding_id": str(funding.id), "challenge_id": str(funding.challenge_id)},
        customer_email=customer_email,
    )


def _claim_funding(actor: User, challenge: Challenge) -> Funding:
    """The active funding row for the amount still needed, created and committed if missing."""
    challenge = lock_challenge(challenge.id)
    needed = challenge.funding_needed
    fundings = db.session.scalars(
        sa.select(Funding).where(Funding.challenge_id == challenge.id).order_by(Funding.sequence)
    ).all()
    active = [f for f in fundings if f.status in ACTIVE]
    if active:
        funding = active[-1]
        if funding.purse_amount == needed or funding.status == FundingStatus.PROCESSING:
            db.session.commit()  # release the challenge row lock before any Stripe call
            return funding
        # The purse changed since that session opened: retire it and charge the new amount.
        _retire(funding)
    last = fundings[-1] if fundings else None
    retriable = (FundingStatus.EXPIRED, FundingStatus.FAILED)
    # A row that took a payment (refunded for a wrong amount) keeps it: its refund is keyed
    # to that payment; a new row takes the next one.
    if last is not None and last.status in retriable and last.payment_intent_id is None:
        funding = last  # try again on the same row with a new attempt (so a new key)
        funding.attempt += 1
        funding.checkout_session_id = None
        funding.checkout_url = None
        funding.failure_reason = ""
    else:
        funding = Funding(
            challenge_id=challenge.id,
            sequence=last.sequence + 1 if last is not None else 1,
            created_by_id=actor.id,
        )
        db.session.add(funding)
    funding.purse_amount = needed
    funding.fee_amount = fee_for(needed, current_app.config["PLATFORM_FEE_BPS"])
    funding.currency = challenge.currency
    funding.status = FundingStatus.CREATED
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        # Another request created the row between our read and write (SQLite has no row locks).
        db.session.rollback()
        return _claim_funding(actor, db.session.get(Challenge, challenge.id))
    return funding


def _retire(funding: Funding) -> None:
    session_id = funding.checkout_session_id
    funding.status = FundingStatus.EXPIRED
    funding.failure_reason = "Replaced: the purse changed before payment."
    if session_id:
        try:
            gateway().expire_checkout_session(session_id)
        except GatewayError as error:
            logger.warning("could not expire checkout session %s: %s", session_id, error.message)


def fundings_for(challenge: Challenge) -> list[Funding]:
    return list(
        db.session.scalars(
            sa.select(Funding)
            .where(Funding.challenge_id == challenge.id)
            .order_by(Funding.sequence)
        )
    )

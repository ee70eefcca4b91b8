"""Demo fundings paid through the Stripe simulator, like real money: every demo charge, refund
and ledger entry exists because the simulator made it and its webhooks recorded it."""

from __future__ import annotations

import sqlalchemy as sa

from challenges.models import Challenge
from core.db import db
from core.money import fee_for
from payments.funding import open_checkout
from payments.gateway import gateway
from payments.models import Funding, FundingStatus
from payments.refunds import request_full_refund


def seed(fee_bps: int) -> None:
    """Fund each demo challenge that has a purse through a simulated Checkout Session (the
    ``checkout.session.completed`` webhook marks it paid, books the ledger and the purse);
    the cancelled one's purse and fee are then refunded, as cancelling does."""
    if not gateway().simulated:
        raise RuntimeError(
            "The demo's payments go through the built-in Stripe simulator: load the demo "
            "without STRIPE_SECRET_KEY."
        )
    funded = db.session.scalars(
        sa.select(Challenge).where(Challenge.funded_amount > 0).order_by(Challenge.id)
    ).all()
    for challenge in funded:
        purse = challenge.funded_amount
        challenge.funded_amount = 0  # the payment's webhook books it again
        funding = Funding(
            challenge_id=challenge.id,
            purse_amount=purse,
            fee_amount=fee_for(purse, fee_bps),
            currency=challenge.currency,
            status=FundingStatus.OPEN,
            created_by_id=challenge.created_by_id,
        )
        db.session.add(funding)
        db.session.commit()
        _pay(funding, challenge)
        if challenge.cancelled_at is not None:
            request_full_refund(challenge.id)
    db.session.commit()


def _pay(funding: Funding, challenge: Challenge) -> None:
    demo = "https://openprize.test/demo"
    session = open_checkout(funding, challenge.title, demo, demo)
    funding.checkout_session_id = session.id
    funding.checkout_url = session.url
    db.session.commit()
    gateway().simulator.complete_checkout(session.id)  # the sponsor pays; webhooks follow
    db.session.rollback()
    paid = db.session.get(Funding, funding.id, populate_existing=True)
    if paid is None or paid.status != FundingStatus.PAID or not paid.charge_id:
        raise RuntimeError(f"The demo funding of {challenge.slug} was not recorded as paid.")

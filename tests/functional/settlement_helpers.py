"""Builders for the settlement and dispute tests: a judged challenge funded in the Stripe
simulator with a purse larger than its prizes (so a remainder is left) and a platform fee."""

from __future__ import annotations

import sqlalchemy as sa

from core.db import db
from core.mail import Mail
from judging.models import JudgingSettings
from payments.gateway import gateway
from payments.models import Funding, FundingStatus, Refund
from payments.payouts.models import Settlement
from tests.example_support import Example, example_world
from tests.functional.payouts_helpers import FIRST, SECOND, simulator

EXTRA = 250_000  # purse beyond the two prizes: the remainder refunded to the sponsor
FEE = 80_000


def fund(challenge_id: int, purse: int, fee: int = FEE, sequence: int = 1) -> Funding:
    """A paid funding (purse + fee) whose Checkout charge exists in the simulator; the
    webhook marks it paid and writes the ledger."""
    funding = Funding(
        challenge_id=challenge_id,
        sequence=sequence,
        purse_amount=purse,
        fee_amount=fee,
        currency="USD",
        status=FundingStatus.OPEN,
    )
    db.session.add(funding)
    db.session.commit()
    session = gateway().create_checkout_session(
        idempotency_key=funding.idempotency_key,
        currency="USD",
        purse_amount=purse,
        fee_amount=fee,
        title="Grid",
        transfer_group=f"challenge_{challenge_id}",
        success_url="https://openprize.test/ok",
        cancel_url="https://openprize.test/cancel",
        metadata={"funding_id": str(funding.id), "challenge_id": str(challenge_id)},
    )
    funding.checkout_session_id = session.id
    db.session.commit()
    simulator().complete_checkout(session.id)
    db.session.rollback()
    funding = db.session.get(Funding, funding.id, populate_existing=True)
    assert funding.status == FundingStatus.PAID and funding.charge_id
    return funding


def funded_world(*, purses: tuple[int, ...] = (FIRST + SECOND + EXTRA,), passing=None) -> Example:
    """The calibration worked example (First 1,000,001 / Second 500,000 USD), funded by
    ``purses`` (one funding each, in order), each with the platform fee."""
    example = example_world()
    first, _ = example.challenge.prize_tiers
    first.amount = FIRST
    example.challenge.purse_amount = sum(purses)
    example.challenge.funded_amount = 0  # the simulated fundings add it
    if passing is not None:
        db.session.get(JudgingSettings, example.challenge.id).passing_score = passing
    db.session.commit()
    for sequence, purse in enumerate(purses, start=1):
        fund(example.challenge.id, purse, sequence=sequence)
    return example


def settlement_of(challenge_id: int) -> Settlement | None:
    db.session.rollback()
    return db.session.scalars(
        sa.select(Settlement).where(Settlement.challenge_id == challenge_id)
    ).first()


def refund_rows() -> list[Refund]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Refund).order_by(Refund.id)))


def sim_refunds() -> list[dict]:
    return simulator().objects("refund")


def subjects(mails: list[Mail], start: str) -> list[Mail]:
    return [mail for mail in mails if mail.subject.startswith(start)]

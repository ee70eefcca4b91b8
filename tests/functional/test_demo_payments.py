"""The demo's money goes through the Stripe simulator like real money: ``flask demo load``
funds the demo challenges with real simulated charges, so the awarded challenge's winners
can be paid (transfers name those charges) and the cancelled one's purse was refunded."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from challenges.models import Challenge
from core.db import db
from payments.models import Funding, FundingStatus, Refund, RefundStatus
from payments.payouts.models import PayoutStatus
from tests.functional.payouts_helpers import ledger_totals, onboard, payouts, simulator


def _challenge(slug: str) -> Challenge:
    db.session.rollback()
    return db.session.scalars(sa.select(Challenge).where(Challenge.slug == slug)).one()


def test_the_demo_awarded_challenge_pays_its_winners_through_the_simulator(app: Flask) -> None:
    loaded = app.test_cli_runner().invoke(args=["demo", "load"])
    assert loaded.exit_code == 0, loaded.output

    charges = {c["id"]: c for c in simulator().objects("charge")}
    fundings = db.session.scalars(sa.select(Funding)).all()
    assert fundings and all(f.status == FundingStatus.PAID for f in fundings)
    assert all(f.charge_id in charges for f in fundings)
    for funding in fundings:  # the ledger and the purse say what Stripe charged, once
        challenge = db.session.get(Challenge, funding.challenge_id)
        assert charges[funding.charge_id]["amount"] == funding.total_amount
        assert challenge.funded_amount == challenge.purse_amount == funding.purse_amount
    awarded = _challenge("drone-mapping")
    rows = payouts(awarded.id)
    assert rows and {p.status for p in rows} == {PayoutStatus.PENDING}
    for user_id in sorted({p.user_id for p in rows}):
        onboard(user_id)

    paid = app.test_cli_runner().invoke(args=["payouts", "run"])
    settled = app.test_cli_runner().invoke(args=["payouts", "settle"])

    assert paid.exit_code == 0 and f"paid {len(rows)}, failed 0" in paid.output, paid.output
    assert settled.exit_code == 0, settled.output
    rows = payouts(awarded.id)
    assert {p.status for p in rows} == {PayoutStatus.PAID}
    (funding,) = [f for f in fundings if f.challenge_id == awarded.id]
    made = simulator().objects("transfer")
    assert {t["source_transaction"] for t in made} == {funding.charge_id}
    assert sorted(t["amount"] for t in made) == sorted(p.amount for p in rows)
    totals = ledger_totals(awarded.id)
    assert totals["paid_out"] == sum(p.amount for p in rows) <= totals["funded"]

    (refund,) = db.session.scalars(sa.select(Refund)).all()  # the cancelled challenge's
    (at_stripe,) = simulator().objects("refund")
    assert (refund.status, refund.stripe_refund_id) == (RefundStatus.SUCCEEDED, at_stripe["id"])
    assert at_stripe["charge"] == refund.funding.charge_id
    cancelled = ledger_totals(refund.funding.challenge_id)
    assert cancelled["refunded"] == cancelled["funded"] and cancelled["fee_refunded"] > 0

"""Demo fundings and ledger entries matching the demo challenges (no simulator calls)."""

from __future__ import annotations

import sqlalchemy as sa

from challenges.models import Challenge
from core.db import db
from core.money import fee_for
from payments import ledger
from payments.models import Funding, FundingStatus, LedgerKind, Refund, RefundStatus


def seed(fee_bps: int) -> None:
    funded = db.session.scalars(
        sa.select(Challenge).where(Challenge.funded_amount > 0).order_by(Challenge.id)
    ).all()
    for challenge in funded:
        funding = Funding(
            challenge_id=challenge.id,
            purse_amount=challenge.funded_amount,
            fee_amount=fee_for(challenge.funded_amount, fee_bps),
            currency=challenge.currency,
            status=FundingStatus.PAID,
            checkout_session_id=f"cs_demo_{challenge.id}",
            payment_intent_id=f"pi_demo_{challenge.id}",
            charge_id=f"ch_demo_{challenge.id}",
            paid_at=challenge.funded_at,
        )
        db.session.add(funding)
        db.session.flush()
        ledger.record(
            challenge.id,
            LedgerKind.FUNDED,
            funding.purse_amount,
            funding.currency,
            f"{funding.charge_id}:purse",
            "Prize purse received",
        )
        ledger.record(
            challenge.id,
            LedgerKind.FEE,
            funding.fee_amount,
            funding.currency,
            f"{funding.charge_id}:fee",
            "Platform fee",
        )
        if challenge.cancelled_at is not None:
            refund = Refund(
                funding_id=funding.id,
                amount=funding.total_amount,
                status=RefundStatus.SUCCEEDED,
                reason="challenge cancelled",
                stripe_refund_id=f"re_demo_{challenge.id}",
            )
            db.session.add(refund)
            db.session.flush()
            ledger.record(
                challenge.id,
                LedgerKind.REFUNDED,
                funding.purse_amount,
                funding.currency,
                f"refund:{refund.id}:purse",
                "Purse refunded to the sponsor",
            )
            ledger.record(
                challenge.id,
                LedgerKind.FEE_REFUNDED,
                funding.fee_amount,
                funding.currency,
                f"refund:{refund.id}:fee",
                "Platform fee refunded",
            )
    db.session.commit()

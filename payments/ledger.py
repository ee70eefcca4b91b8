"""Ledger entries, written in the same transaction as the money movement they record."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from challenges.models import Challenge
from core.db import db
from payments.models import LedgerEntry, LedgerKind


def record(
    challenge_id: int, kind: LedgerKind, amount: int, currency: str, reference: str, note: str = ""
) -> bool:
    """Add an entry unless one with the same kind and reference exists (replays write nothing)."""
    exists = db.session.scalar(
        sa.select(LedgerEntry.id).where(
            LedgerEntry.kind == kind, LedgerEntry.reference == reference
        )
    )
    if exists is not None or amount <= 0:
        return False
    db.session.add(
        LedgerEntry(
            challenge_id=challenge_id,
            kind=kind,
            amount=amount,
            currency=currency,
            reference=reference,
            note=note[:200],
        )
    )
    db.session.flush()
    return True


@dataclass(frozen=True)
class FundsSummary:
    currency: str
    funded: int
    fees: int
    refunded: int
    refund_pending: int
    paid_out: int = 0  # transfers to winners, net of reversals

    @property
    def held(self) -> int:
        return self.funded - self.refunded - self.paid_out


def summary(challenge: Challenge) -> FundsSummary:
    """Totals of the challenge's ledger, plus refunds requested but not yet confirmed."""
    from payments.refunds import pending_refund_total

    totals = dict(
        db.session.execute(
            sa.select(LedgerEntry.kind, sa.func.sum(LedgerEntry.amount))
            .where(LedgerEntry.challenge_id == challenge.id)
            .group_by(LedgerEntry.kind)
        ).all()
    )
    return FundsSummary(
        currency=challenge.currency,
        funded=int(totals.get(LedgerKind.FUNDED, 0) or 0),
        fees=int(totals.get(LedgerKind.FEE, 0) or 0),
        refunded=int(totals.get(LedgerKind.REFUNDED, 0) or 0),
        refund_pending=pending_refund_total(challenge.id),
        paid_out=int(totals.get(LedgerKind.PAID_OUT, 0) or 0)
        - int(totals.get(LedgerKind.PAYOUT_REVERSED, 0) or 0),
    )


def entries(challenge: Challenge) -> list[LedgerEntry]:
    return list(
        db.session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.challenge_id == challenge.id)
            .order_by(LedgerEntry.created_at, LedgerEntry.id)
        )
    )

"""Ledger entries, written in the same transaction as the money movement they record."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import User
from challenges.models import Challenge
from core.db import db
from core.row_paging import RowPagination, page_of_rows
from payments.models import LedgerEntry, LedgerKind


def record(
    challenge_id: int,
    kind: LedgerKind,
    amount: int,
    currency: str,
    reference: str,
    note: str = "",
    *,
    payout_id: int | None = None,
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
            payout_id=payout_id,
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
    awarded: int = 0  # sum of the challenge's awards (judging's Award rows)
    after_results: bool = False  # winners approved, prizes declined, or challenge cancelled

    @property
    def held(self) -> int:
        return self.funded - self.refunded - self.paid_out

    @property
    def settled(self) -> bool:
        """Results are in and nothing is held any more: every cent went out."""
        return self.after_results and self.funded > 0 and self.held == 0


def summary(challenge: Challenge) -> FundsSummary:
    """Totals of the challenge's ledger, plus refunds requested but not yet confirmed and the
    sum of its awards: one statement (the challenge page shows it to every visitor)."""
    from judging.results.models import Award
    from payments.refunds import pending_refund_total_query

    def ledger_sum(*kinds: LedgerKind) -> sa.ColumnElement[int]:
        return sa.func.coalesce(
            sa.func.sum(LedgerEntry.amount).filter(LedgerEntry.kind.in_(kinds)), 0
        )

    awarded = (
        sa.select(sa.func.coalesce(sa.func.sum(Award.amount), 0))
        .where(Award.challenge_id == challenge.id)
        .scalar_subquery()
    )
    row = db.session.execute(
        sa.select(
            ledger_sum(LedgerKind.FUNDED),
            ledger_sum(LedgerKind.FEE),
            ledger_sum(LedgerKind.REFUNDED),
            ledger_sum(LedgerKind.PAID_OUT),
            ledger_sum(LedgerKind.PAYOUT_REVERSED),
            pending_refund_total_query(challenge.id),
            awarded,
        ).where(LedgerEntry.challenge_id == challenge.id)
    ).one()
    funded, fees, refunded, paid_out, reversed_, pending, awarded_total = (int(v or 0) for v in row)
    return FundsSummary(
        currency=challenge.currency,
        funded=funded,
        fees=fees,
        refunded=refunded,
        refund_pending=pending,
        paid_out=paid_out - reversed_,
        awarded=awarded_total,
        after_results=challenge.awarded_at is not None or challenge.cancelled_at is not None,
    )


def entries_query(challenge: Challenge) -> sa.Select[tuple[LedgerEntry, User | None]]:
    """The challenge's entries, oldest first, each with the person a payout entry paid (one
    query per page, however many people)."""
    from payments.payouts.models import Payout

    return (
        sa.select(LedgerEntry, User)
        .outerjoin(Payout, Payout.id == LedgerEntry.payout_id)
        .outerjoin(User, User.id == Payout.user_id)
        .where(LedgerEntry.challenge_id == challenge.id)
        .order_by(LedgerEntry.created_at, LedgerEntry.id)
    )


def page_of_entries(challenge: Challenge, page: int, per_page: int) -> RowPagination:
    return page_of_rows(entries_query(challenge), page, per_page)


KIND_WORDS = {
    LedgerKind.FUNDED: _l("Purse funded by the sponsor"),
    LedgerKind.FEE: _l("Platform fee received"),
    LedgerKind.REFUNDED: _l("Refunded to the sponsor"),
    LedgerKind.FEE_REFUNDED: _l("Platform fee refunded"),
    LedgerKind.PAID_OUT: _l("Paid to a winner"),
    LedgerKind.PAYOUT_REVERSED: _l("Payout reversed"),
}


def kind_in_words(kind: str) -> str:
    try:
        return str(KIND_WORDS[LedgerKind(kind)])
    except ValueError:
        return str(kind).replace("_", " ")


# The notes ``record`` is given, stored in English; shown in the reader's language.
NOTE_WORDS = {
    "Prize purse received": _l("Prize purse received"),
    "Platform fee": _l("Platform fee"),
    "Purse refunded to the sponsor": _l("Purse refunded to the sponsor"),
    "Platform fee refunded": _l("Platform fee refunded"),
}
_PAYOUT_NOTE = re.compile(r"Payout (\d+)")
_REVERSAL_NOTE = re.compile(r"Transfer of payout (\d+) reversed")


def note_in_words(note: str) -> str:
    """A stored note in the reader's language when it is one the app writes, else as stored."""
    if note in NOTE_WORDS:
        return str(NOTE_WORDS[note])
    if found := _PAYOUT_NOTE.fullmatch(note):
        text: str = _("Payout %(id)s", id=found.group(1))
        return text
    if found := _REVERSAL_NOTE.fullmatch(note):
        reversed_: str = _("Transfer of payout %(id)s reversed", id=found.group(1))
        return reversed_
    return note


def entries(challenge: Challenge) -> list[LedgerEntry]:
    return list(
        db.session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.challenge_id == challenge.id)
            .order_by(LedgerEntry.created_at, LedgerEntry.id)
        )
    )

"""Settling a challenge: once every award is paid (or the sponsor declined to award), the
unawarded purse (funded purse − awarded; never the platform fee) goes back to the sponsor.

Exactly once: the ``Settlement`` row (UNIQUE per challenge) and the remainder's ``Refund`` rows
(keys ``refund:<id>``) commit together, under the lock of the challenge's paid fundings,
before any Stripe call; a later or concurrent settle finds the row and only retries pending
refunds with their own keys. ``charge.refunded`` confirms the refunds (``payments.webhooks``),
then the settlement is complete and the sponsor gets one summary.

Triggers: ``flask payouts settle`` (cron), which also repairs a crash between a refund call
and its commit; and, with PAYOUTS_INLINE, the web app right after it paid payouts
(``payments.payouts.inline``: after approval, after a winner finished onboarding, after an
admin's retry, after a won dispute) and after a decline (judging's ``awards_declined``). Never a
webhook's request: ``transfer.created`` only records the payout paid, and ``payouts run``
only pays.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask

from challenges.models import Challenge
from core.db import db, utcnow
from judging.results.models import Award, ResultSnapshot, SnapshotState
from payments.jobs import (
    settle_later,
    tell_settled_later,
    tell_winners_to_onboard_later,
)
from payments.models import DisputeStatus, Funding, FundingStatus, Refund, RefundStatus
from payments.payouts import notices
from payments.payouts.models import (
    Payout,
    PayoutStatus,
    Settlement,
    SettlementReason,
    SettlementStatus,
)
from payments.refunds import add_refund, refunded_amount, retry_pending_refunds

logger = logging.getLogger("openprize.payments")
REMAINDER_REASON = "unawarded remainder"
HOLDING_DISPUTES = (DisputeStatus.OPEN, DisputeStatus.LOST)


@dataclass
class SettleRun:
    settled: int = 0
    refunding: int = 0
    waiting: int = 0  # not ready: unpaid awards, an open dispute, no results yet
    outcomes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"settled {self.settled}, refund awaiting confirmation {self.refunding}, "
            f"not ready {self.waiting}"
        )


def _locked_fundings(challenge_id: int) -> list[Funding]:
    """The paid fundings, latest first, locked: concurrent settles of a challenge queue here."""
    return list(
        db.session.scalars(
            sa.select(Funding)
            .where(Funding.challenge_id == challenge_id, Funding.status == FundingStatus.PAID)
            .order_by(Funding.sequence.desc())
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def _settlement(challenge_id: int) -> Settlement | None:
    return db.session.scalars(
        sa.select(Settlement)
        .where(Settlement.challenge_id == challenge_id)
        .execution_options(populate_existing=True)
    ).first()


def _awarded(challenge_id: int) -> int:
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Award.amount), 0)).where(
                Award.challenge_id == challenge_id
            )
        )
    )


def all_paid(challenge_id: int, awarded: int) -> bool:
    """Each recipient's latest payout row (a re-issue replaces a failed row) is paid, and the
    paid rows add up to the awards."""
    rows = db.session.execute(
        sa.select(Payout.award_id, Payout.user_id, Payout.status, Payout.amount)
        .where(Payout.challenge_id == challenge_id)
        .order_by(Payout.award_id, Payout.user_id, Payout.reissue)
    ).all()
    latest = {(award, user): (status, amount) for award, user, status, amount in rows}
    if not latest or any(status != PayoutStatus.PAID for status, _ in latest.values()):
        return False
    return sum(amount for _, amount in latest.values()) == awarded


def _declined(challenge_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(ResultSnapshot.id).where(
                ResultSnapshot.challenge_id == challenge_id,
                ResultSnapshot.state == SnapshotState.DECLINED,
            )
        )
        is not None
    )


def _readiness(
    challenge: Challenge, fundings: list[Funding]
) -> tuple[SettlementReason | None, str]:
    if challenge.cancelled_at is not None:
        return None, "cancelled: refunded in full instead"
    if challenge.awarded_at is None:
        return None, "no results yet"
    if not fundings:
        return None, "nothing funded"
    if any(f.dispute_status in HOLDING_DISPUTES for f in fundings):
        return None, "a funding charge is disputed"
    awarded = _awarded(challenge.id)
    if awarded == 0:
        return (SettlementReason.DECLINED, "") if _declined(challenge.id) else (None, "no awards")
    if not all_paid(challenge.id, awarded):
        return None, "awards not all paid"
    return SettlementReason.PAID, ""


def _record(challenge_id: int) -> tuple[Settlement | None, str]:
    """Commit the settlement and its refund rows if the challenge is ready (once)."""
    fundings = _locked_fundings(challenge_id)
    existing = _settlement(challenge_id)
    if existing is not None:
        db.session.commit()
        return existing, "already recorded"
    challenge = db.session.get(Challenge, challenge_id)
    reason, why_not = _readiness(challenge, fundings) if challenge else (None, "no challenge")
    if reason is None:
        db.session.commit()
        return None, why_not
    funded = sum(f.purse_amount for f in fundings)
    awarded = _awarded(challenge_id)
    if awarded > funded:  # approval forbids it; never refund what winners are owed
        db.session.commit()
        logger.error("challenge %s: awards %s exceed the purse %s", challenge_id, awarded, funded)
        return None, "awards exceed the funded purse"
    now = utcnow()
    settlement = Settlement(
        challenge_id=challenge_id,
        reason=reason,
        funded=funded,
        awarded=awarded,
        remainder=funded - awarded,
        fee=sum(f.fee_amount for f in fundings),
        currency=challenge.currency,
        status=SettlementStatus.SETTLED if funded == awarded else SettlementStatus.REFUNDING,
        settled_at=now if funded == awarded else None,
    )
    try:
        db.session.add(settlement)
        db.session.flush()
        left = settlement.remainder
        for funding in fundings:  # latest first, as much as each purse has not yet given back
            part = min(left, funding.purse_amount - refunded_amount(funding.id))
            if part > 0:
                add_refund(funding, part, REMAINDER_REASON)
                left -= part
        if left:
            db.session.rollback()
            logger.error("challenge %s: %s of the remainder has no charge", challenge_id, left)
            return None, "remainder exceeds what the charges can refund"
        db.session.commit()
    except sa.exc.IntegrityError:  # a concurrent settle recorded it first (UNIQUE challenge)
        db.session.rollback()
        return _settlement(challenge_id), "already recorded"
    return settlement, "recorded"


def remainder_refunds(challenge_id: int) -> list[Refund]:
    return list(
        db.session.scalars(
            sa.select(Refund)
            .join(Funding, Funding.id == Refund.funding_id)
            .where(Funding.challenge_id == challenge_id, Refund.reason == REMAINDER_REASON)
            .order_by(Refund.id)
        )
    )


def complete_if_refunded(challenge_id: int) -> bool:
    """Flush only (called from ``charge.refunded`` and from settle): the settlement is complete
    when its remainder refunds are confirmed; the sponsor's summary follows the commit."""
    settlement = db.session.scalars(
        sa.select(Settlement)
        .where(
            Settlement.challenge_id == challenge_id,
            Settlement.status == SettlementStatus.REFUNDING,
        )
        .with_for_update()
    ).first()
    if settlement is None:
        return False
    succeeded = sum(
        refund.amount
        for refund in remainder_refunds(challenge_id)
        if refund.status == RefundStatus.SUCCEEDED
    )
    if succeeded < settlement.remainder:
        return False
    settlement.status = SettlementStatus.SETTLED
    settlement.settled_at = utcnow()
    tell_settled_later(challenge_id)
    return True


def settle_challenge(challenge_id: int) -> str:
    """Settle the challenge if it is ready; any number of calls refund the remainder once."""
    settlement, outcome = _record(challenge_id)
    if settlement is None:
        return f"not ready: {outcome}"
    retry_pending_refunds(challenge_id)  # the first call, or a retry with the same key
    complete_if_refunded(challenge_id)
    db.session.commit()
    notices.tell_sponsor_settled(challenge_id)  # a settlement with nothing to refund
    settlement = _settlement(challenge_id)
    refunds = remainder_refunds(challenge_id)
    db.session.commit()
    if settlement.status == SettlementStatus.SETTLED:
        return "settled"
    if any(r.status == RefundStatus.FAILED for r in refunds):
        logger.error("challenge %s: a remainder refund was refused: needs an admin", challenge_id)
        return "refund refused by Stripe: needs an admin"
    return "refund awaiting confirmation"


def settle_all(challenge_id: int | None = None) -> SettleRun:
    """``flask payouts settle``: every decided, uncancelled challenge not yet settled."""
    query = (
        sa.select(Challenge.id)
        .outerjoin(Settlement, Settlement.challenge_id == Challenge.id)
        .where(
            Challenge.awarded_at.is_not(None),
            Challenge.cancelled_at.is_(None),
            sa.or_(Settlement.id.is_(None), Settlement.status != SettlementStatus.SETTLED),
        )
        .order_by(Challenge.id)
    )
    if challenge_id is not None:
        query = query.where(Challenge.id == challenge_id)
    ids = db.session.scalars(query).all()
    db.session.commit()
    run = SettleRun()
    for found in ids:
        outcome = settle_challenge(found)
        run.outcomes.append(outcome)
        if outcome == "settled":
            run.settled += 1
        elif outcome.startswith("not ready"):
            run.waiting += 1
        else:
            run.refunding += 1
    return run


def settle_quietly(challenge_id: int) -> None:
    try:
        settle_challenge(challenge_id)
    except Exception:  # the decision is committed; ``flask payouts settle`` catches up
        db.session.rollback()
        logger.exception("settling challenge %s failed", challenge_id)


def _on_awards_declined(challenge: Challenge, **_: Any) -> None:
    settle_later(challenge.id)  # in the decline's transaction; settles when PAYOUTS_INLINE


def _on_awards_announced(challenge: Challenge, awards: list[Award], **_: Any) -> None:
    tell_winners_to_onboard_later(challenge.id, [award.id for award in awards])


def connect_settlement_signals(app: Flask) -> None:
    """Module-level receivers: connecting again (one app per test) changes nothing."""
    from judging.results.signals import awards_announced, awards_declined

    awards_declined.connect(_on_awards_declined, weak=False)
    awards_announced.connect(_on_awards_announced, weak=False)

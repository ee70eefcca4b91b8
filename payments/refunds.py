"""Refunds of a cancelled challenge's purse: intent committed first, then the Stripe call.

Every call for a refund carries its key (``refund:<id>``). Stripe replays a key's first
answer for 24 hours, a 5xx included: a key that has failed for longer than
PAYOUTS_RECONCILE_AFTER is looked up at Stripe (``refunds.list`` by payment intent, matched
on ``metadata.refund_id``) and, only when Stripe holds no refund for the row, replaced by the
next one (``refund:<id>:a2``…), recorded before the call.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from challenges.models import Challenge
from core.db import db, utcnow
from payments.gateway import GatewayError, gateway
from payments.install import keeps_first_key
from payments.jobs import refund_later
from payments.models import Funding, FundingStatus, Refund, RefundStatus

logger = logging.getLogger("openprize.payments")
OPEN_REFUND = (RefundStatus.PENDING, RefundStatus.REQUESTED)
# The reason of a refund of a Checkout payment for the wrong amount (it funded nothing).
MISMATCH_REASON = "amount mismatch"


def request_full_refund(challenge_id: int) -> list[Refund]:
    """Create one refund per paid funding of the challenge (purse and fee) and the jobs that
    execute them.

    Safe to call twice: a funding that already has a refund gets no second one.
    """
    fundings = db.session.scalars(
        sa.select(Funding)
        .where(Funding.challenge_id == challenge_id, Funding.status == FundingStatus.PAID)
        .with_for_update()
    ).all()
    created: list[Refund] = []
    for funding in fundings:
        has_refund = db.session.scalar(
            sa.select(Refund.id).where(
                Refund.funding_id == funding.id, Refund.status != RefundStatus.FAILED
            )
        )
        if has_refund is None:
            refund = Refund(
                funding_id=funding.id, amount=funding.total_amount, reason="challenge cancelled"
            )
            db.session.add(refund)
            created.append(refund)
    db.session.flush()
    for refund in created:
        refund_later(refund.id)  # the Stripe calls, once the intents are committed
    db.session.commit()
    return created


def execute_refund(refund_id: int) -> Refund:
    """Ask Stripe for a pending refund with its own key; unknown outcomes stay pending."""
    refund = db.session.get(Refund, refund_id)
    if refund.status != RefundStatus.PENDING:
        return refund
    funding = refund.funding
    try:
        result = gateway().create_refund(
            idempotency_key=refund.idempotency_key,
            payment_intent=funding.payment_intent_id or "",
            amount=refund.amount,
            metadata={"refund_id": str(refund.id), "challenge_id": str(funding.challenge_id)},
            key_as_first_sent=keeps_first_key("refund", refund.id, refund.key_attempt),
        )
    except GatewayError as error:
        refund = db.session.get(Refund, refund_id, populate_existing=True)
        refund.last_error = error.message[:500]
        if error.definite and error.code != "idempotency_key_in_use":  # in use: retry later
            refund.status = RefundStatus.FAILED
            logger.error("refund %s refused by Stripe: %s", refund.id, error.message)
        db.session.commit()
        return refund
    return _record_requested(refund_id, result.id)


def _record_requested(refund_id: int, stripe_refund_id: str) -> Refund:
    """Stripe holds the refund. The charge.refunded webhook may already have confirmed it:
    never move backwards. Conditional updates, so a concurrent confirmation is never
    overwritten (on SQLite too, which has no row locks)."""
    for condition, values in (
        (Refund.stripe_refund_id.is_(None), {"stripe_refund_id": stripe_refund_id}),
        (Refund.status == RefundStatus.PENDING, {"status": RefundStatus.REQUESTED}),
    ):
        db.session.execute(
            sa.update(Refund)
            .where(Refund.id == refund_id, condition)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return db.session.get(Refund, refund_id, populate_existing=True)


def _reconcile(refund_id: int, key_attempt: int) -> None:
    """A pending refund whose key is old: Stripe's refund for the row is recorded; none at
    Stripe → the row moves to its next key (of concurrent callers, one) and is sent again."""
    refund = db.session.get(Refund, refund_id)
    intent = refund.funding.payment_intent_id or ""
    try:
        found = gateway().find_refund(payment_intent=intent, refund_id=refund_id)
    except GatewayError as error:
        db.session.rollback()
        logger.warning("refund %s: lookup at Stripe failed: %s", refund_id, error.message)
        return
    if found is not None:
        _record_requested(refund_id, found.id)
        return
    won = db.session.execute(
        sa.update(Refund)
        .where(
            Refund.id == refund_id,
            Refund.status == RefundStatus.PENDING,
            Refund.key_attempt == key_attempt,
        )
        .values(key_attempt=key_attempt + 1, key_started_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if won == 1:
        logger.warning("refund %s: none at Stripe, new key attempt %s", refund_id, key_attempt + 1)
        execute_refund(refund_id)


def refunded_amount(funding_id: int) -> int:
    """What the funding's refunds (pending, requested or succeeded) take back."""
    total = db.session.scalar(
        sa.select(sa.func.sum(Refund.amount)).where(
            Refund.funding_id == funding_id, Refund.status != RefundStatus.FAILED
        )
    )
    return int(total or 0)


def add_refund(funding: Funding, amount: int, reason: str) -> Refund:
    """Record a refund intent (flush only; its key exists once the caller commits). The
    caller then runs ``execute_refund`` after the commit, or ``retry_pending_refunds`` does."""
    refund = Refund(funding_id=funding.id, amount=amount, reason=reason)
    db.session.add(refund)
    db.session.flush()
    return refund


def retry_pending_refunds(
    challenge_id: int | None = None, older_than: timedelta | None = None
) -> int:
    """Re-issue refunds whose Stripe call never completed: with the same key while it is
    younger than ``older_than`` (default PAYOUTS_RECONCILE_AFTER), else after a look-up."""
    if older_than is None:
        older_than = timedelta(seconds=current_app.config["PAYOUTS_RECONCILE_AFTER"])
    query = (
        sa.select(Refund.id, Refund.key_attempt, Refund.key_started_at)
        .where(Refund.status == RefundStatus.PENDING)
        .order_by(Refund.id)
    )
    if challenge_id is not None:
        query = query.join(Funding, Funding.id == Refund.funding_id).where(
            Funding.challenge_id == challenge_id
        )
    rows = db.session.execute(query).all()
    db.session.commit()
    cutoff = utcnow() - older_than
    for refund_id, key_attempt, key_started_at in rows:
        if key_started_at <= cutoff:
            _reconcile(refund_id, key_attempt)
        else:
            execute_refund(refund_id)
    return len(rows)


def mismatch_refunds(limit: int = 20) -> list[tuple[Refund, Funding, Challenge]]:
    """The latest refunds of payments for the wrong amount, with funding and challenge, for
    the platform admins (one query)."""
    rows = db.session.execute(
        sa.select(Refund, Funding, Challenge)
        .join(Funding, Funding.id == Refund.funding_id)
        .join(Challenge, Challenge.id == Funding.challenge_id)
        .where(Refund.reason.startswith(MISMATCH_REASON))
        .order_by(Refund.created_at.desc(), Refund.id.desc())
        .limit(limit)
    ).all()
    return [tuple(row) for row in rows]


def pending_refund_total_query(challenge_id: int) -> sa.ScalarSelect[int]:
    """The sum of the challenge's refunds requested but not yet confirmed, as a subquery."""
    return (
        sa.select(sa.func.coalesce(sa.func.sum(Refund.amount), 0))
        .join(Funding, Funding.id == Refund.funding_id)
        .where(Funding.challenge_id == challenge_id, Refund.status.in_(OPEN_REFUND))
        .scalar_subquery()
    )


def connect_signals(app: Flask) -> None:
    from challenges.signals import challenge_cancelled

    def on_cancelled(sender: Flask, challenge_id: int) -> None:
        request_full_refund(challenge_id)

    challenge_cancelled.connect(on_cancelled, sender=app, weak=False)

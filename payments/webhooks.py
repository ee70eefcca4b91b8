"""Applying verified Stripe events: deduplicated by id in the same transaction, monotonic."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from challenges.services import record_funds_received
from core.db import db, utcnow
from payments import ledger
from payments.connect import onboarding
from payments.disputes import on_dispute_closed, on_dispute_created
from payments.gateway import GatewayError, gateway
from payments.jobs import refund_later
from payments.models import (
    FUNDING_RANK,
    Funding,
    FundingStatus,
    LedgerKind,
    Refund,
    RefundStatus,
    StripeEvent,
)
from payments.payouts.settlement import complete_if_refunded
from payments.payouts.webhooks import on_transfer_created, on_transfer_reversed
from payments.refunds import MISMATCH_REASON, add_refund

logger = logging.getLogger("openprize.payments")


def apply_event(event: dict[str, Any], endpoint: str = "platform") -> str:
    """Apply ``event`` once. Returns what happened, for the log and the response body.

    The event row and the state change commit together: a crash leaves neither, so Stripe's
    retry applies it; a replay finds the row and changes nothing.
    """
    event_id = str(event.get("id", ""))
    if not event_id.startswith("evt_"):
        return "ignored: no event id"
    if db.session.get(StripeEvent, event_id) is not None:
        return "duplicate"
    record = StripeEvent(event_id=event_id, type=str(event.get("type", "")), endpoint=endpoint)
    db.session.add(record)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()  # the same event is being applied by a concurrent delivery
        return "duplicate"
    handler = HANDLERS.get(record.type)
    obj = (event.get("data") or {}).get("object") or {}
    connect_handler = CONNECT_HANDLERS.get(record.type) if endpoint == "connect" else None
    if connect_handler is not None:
        outcome = connect_handler(event)  # these need the event's ``account`` and ``created``
    else:
        outcome = handler(obj) if handler else "ignored: not handled"
    record.outcome = outcome[:200]
    db.session.commit()  # with the jobs the handler wrote: e-mails, refunds, a payout run
    return outcome


def _funding_for_session(session: dict[str, Any]) -> Funding | None:
    session_id = session.get("id")
    funding = db.session.scalar(
        sa.select(Funding).where(Funding.checkout_session_id == session_id).with_for_update()
    )
    if funding is None:
        funding_id = str((session.get("metadata") or {}).get("funding_id", ""))
        if funding_id.isdigit():
            candidate = db.session.get(Funding, int(funding_id), with_for_update=True)
            # Only trust the metadata when the row has no other session recorded yet.
            if candidate is not None and candidate.checkout_session_id in (None, session_id):
                candidate.checkout_session_id = session_id
                funding = candidate
    return funding


def _advance(funding: Funding, status: FundingStatus) -> bool:
    """Move forward only: a late ``expired`` never undoes ``paid``."""
    if FUNDING_RANK[status] <= FUNDING_RANK[FundingStatus(funding.status)]:
        return False
    funding.status = status
    return True


def _amount_matches(funding: Funding, session: dict[str, Any]) -> bool:
    return (
        int(session.get("amount_total") or -1) == funding.total_amount
        and str(session.get("currency", "")).upper() == funding.currency
    )


def _mark_paid(funding: Funding, session: dict[str, Any]) -> str:
    if funding.status == FundingStatus.PAID:
        return "already paid"
    if not _amount_matches(funding, session):
        return _refund_mismatch(funding, session)
    funding.payment_intent_id = _intent_id(session)
    try:
        funding.charge_id = gateway().charge_for_payment_intent(funding.payment_intent_id)
    except GatewayError:
        funding.charge_id = None  # looked up again when needed; the payment itself is certain
    funding.status = FundingStatus.PAID
    funding.paid_at = utcnow()
    funding.failure_reason = ""
    reference = funding.charge_id or funding.payment_intent_id or f"funding:{funding.id}"
    ledger.record(
        funding.challenge_id,
        LedgerKind.FUNDED,
        funding.purse_amount,
        funding.currency,
        f"{reference}:purse",
        "Prize purse received",
    )
    ledger.record(
        funding.challenge_id,
        LedgerKind.FEE,
        funding.fee_amount,
        funding.currency,
        f"{reference}:fee",
        "Platform fee",
    )
    record_funds_received(funding.challenge_id, funding.purse_amount)
    return "funded"


def _intent_id(session: dict[str, Any]) -> str | None:
    intent = session.get("payment_intent")
    return intent if isinstance(intent, str) else (intent or {}).get("id")


def _refund_mismatch(funding: Funding, session: dict[str, Any]) -> str:
    """A payment of another amount than the funding's funds nothing: it is refunded in full
    (one keyed refund row, whatever repeats the event; the Stripe call after the response),
    the funding fails with the reason, and the sponsor's next click opens a new session."""
    charged = int(session.get("amount_total") or 0)
    reason = (
        f"{MISMATCH_REASON}: charged {charged} {str(session.get('currency', '')).upper()}, "
        f"expected {funding.total_amount} {funding.currency}"
    )
    funding.failure_reason = f"Amount mismatch: {reason[len(MISMATCH_REASON) + 2 :]}."
    funding.status = FundingStatus.FAILED
    intent = _intent_id(session)
    if intent is None or charged <= 0:
        logger.error("funding %s: %s (no payment to refund)", funding.id, reason)
        return "amount mismatch: not funded"
    funding.payment_intent_id = funding.payment_intent_id or intent
    logger.error("funding %s: %s; refunding it", funding.id, reason)
    refunded = db.session.scalar(
        sa.select(Refund.id).where(
            Refund.funding_id == funding.id, Refund.reason.startswith(MISMATCH_REASON)
        )
    )
    if refunded is not None:
        return "amount mismatch: refund already recorded"
    refund = add_refund(funding, charged, reason[:200])
    refund_later(refund.id, after_response=True)
    return "amount mismatch: refunded"


def on_checkout_completed(session: dict[str, Any]) -> str:
    funding = _funding_for_session(session)
    if funding is None:
        return "ignored: unknown checkout session"
    if session.get("payment_status") == "paid":
        return _mark_paid(funding, session)
    return "processing" if _advance(funding, FundingStatus.PROCESSING) else "no change"


def on_async_succeeded(session: dict[str, Any]) -> str:
    funding = _funding_for_session(session)
    if funding is None:
        return "ignored: unknown checkout session"
    return _mark_paid(funding, session)


def on_async_failed(session: dict[str, Any]) -> str:
    funding = _funding_for_session(session)
    if funding is None:
        return "ignored: unknown checkout session"
    if _advance(funding, FundingStatus.FAILED):
        funding.failure_reason = "The delayed payment failed."
        return "failed"
    return "no change"


def on_expired(session: dict[str, Any]) -> str:
    funding = _funding_for_session(session)
    if funding is None:
        return "ignored: unknown checkout session"
    return "expired" if _advance(funding, FundingStatus.EXPIRED) else "no change"


def on_charge_refunded(charge: dict[str, Any]) -> str:
    funding = db.session.scalar(
        sa.select(Funding).where(
            sa.or_(
                Funding.charge_id == charge.get("id"),
                Funding.payment_intent_id == charge.get("payment_intent"),
            )
        )
    )
    if funding is None:
        return "ignored: unknown charge"
    refunded_total = int(charge.get("amount_refunded") or 0)
    confirmed = 0
    refunds = db.session.scalars(
        sa.select(Refund)
        .where(Refund.funding_id == funding.id)
        .order_by(Refund.id)
        .with_for_update()
    ).all()
    for refund in refunds:
        if refund.status == RefundStatus.FAILED:
            continue
        if confirmed + refund.amount > refunded_total:
            break
        confirmed += refund.amount
        if refund.status != RefundStatus.SUCCEEDED:
            refund.status = RefundStatus.SUCCEEDED
            if funding.status != FundingStatus.PAID:
                continue  # a payment that funded nothing (wrong amount): not in the ledger
            purse_part = min(refund.amount, funding.purse_amount)
            ledger.record(
                funding.challenge_id,
                LedgerKind.REFUNDED,
                purse_part,
                funding.currency,
                f"refund:{refund.id}:purse",
                "Purse refunded to the sponsor",
            )
            ledger.record(
                funding.challenge_id,
                LedgerKind.FEE_REFUNDED,
                refund.amount - purse_part,
                funding.currency,
                f"refund:{refund.id}:fee",
                "Platform fee refunded",
            )
    complete_if_refunded(funding.challenge_id)  # a confirmed remainder settles the challenge
    return f"refunds confirmed up to {confirmed}"


HANDLERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "checkout.session.completed": on_checkout_completed,
    "checkout.session.async_payment_succeeded": on_async_succeeded,
    "checkout.session.async_payment_failed": on_async_failed,
    "checkout.session.expired": on_expired,
    "charge.refunded": on_charge_refunded,
    "transfer.created": on_transfer_created,
    "transfer.reversed": on_transfer_reversed,
    "charge.dispute.created": on_dispute_created,
    "charge.dispute.closed": on_dispute_closed,
}

# Connected accounts' events, from the Connect endpoint only; handlers take the whole event.
CONNECT_HANDLERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "account.updated": onboarding.on_account_updated,
    "account.application.deauthorized": onboarding.on_account_deauthorized,
}

"""The payout worker: pending → processing (committed) → Stripe transfer → paid | failed.

Exactly once: a row is claimed with a conditional UPDATE and committed before Stripe is called;
every call for it carries its ``payout:<id>`` key and the parameters fixed at the claim, so a
retry after a timeout, a crash or a concurrent worker gets Stripe's first answer back. Paid is
recorded by ``record_transfer`` under a row lock, from the API answer or the
``transfer.created`` webhook, whichever comes first; the other finds the row paid.

Stripe replays a key's first answer for 24 hours, a 5xx included, so retrying one key cannot
get past a 500. Rows are split by how long their current key has been in use: younger than
PAYOUTS_RECONCILE_AFTER, ``run_payouts`` retries them with the same key; older, only
``reconcile_payouts`` touches them, and it moves a row to a new key (``payout:<id>:a2``…)
only after ``transfers.list`` showed Stripe holds no transfer for it under any key. By then
no call with the old key is still running (a call lasts seconds, the window an hour), so
never two keys of a row are live at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from core.db import db, utcnow
from payments import ledger
from payments.connect.models import ConnectedAccount
from payments.funding import transfer_group
from payments.gateway import GatewayError, TransferResult, gateway
from payments.install import keeps_first_key
from payments.jobs import announce_paid_later
from payments.models import Funding, LedgerKind, attempt_key
from payments.payouts.models import Payout, PayoutStatus

logger = logging.getLogger("openprize.payments")
# Stripe keeps idempotency keys for at least 24 hours: a processing row older than this is
# retried only by ``reconcile_payouts``, which first looks for the transfer.
KEY_WINDOW = timedelta(hours=23)
# Stripe's answer while the first request with a key is still running: not a refusal.
IN_PROGRESS_CODES = frozenset({"idempotency_key_in_use"})


@dataclass
class PayoutRun:
    paid: int = 0
    failed: int = 0
    waiting: int = 0  # recipient has no active Connect account yet
    unknown: int = 0  # Stripe's answer unknown: still processing, retried next run
    skipped: int = 0  # claimed by another worker, or already settled
    outcomes: list[str] = field(default_factory=list)
    paid_challenges: set[int] = field(default_factory=set)  # where a payout was paid

    def add(self, outcome: str, challenge_id: int | None = None) -> None:
        self.outcomes.append(outcome)
        if outcome in ("paid", "already paid"):
            self.paid += 1
            if challenge_id is not None:
                self.paid_challenges.add(challenge_id)
        elif outcome == "failed":
            self.failed += 1
        elif outcome == "unknown":
            self.unknown += 1
        else:
            self.skipped += 1

    def __str__(self) -> str:
        return (
            f"paid {self.paid}, failed {self.failed}, waiting for onboarding {self.waiting}, "
            f"outcome unknown {self.unknown}, skipped {self.skipped}"
        )


def _ready_account(user_id: int) -> str | None:
    from payments.connect.onboarding import transfers_ready

    if not transfers_ready(user_id):
        return None
    return db.session.scalar(
        sa.select(ConnectedAccount.stripe_account_id).where(ConnectedAccount.user_id == user_id)
    )


def _source_ready(payout_id: int) -> bool:
    """The funding's charge id is known (looked up once if the webhook could not)."""
    funding = db.session.scalar(
        sa.select(Funding)
        .join(Payout, Payout.funding_id == Funding.id)
        .where(Payout.id == payout_id)
    )
    if funding is None or funding.charge_id:
        return True
    try:
        funding.charge_id = gateway().charge_for_payment_intent(funding.payment_intent_id or "")
    except GatewayError as error:
        logger.warning("charge of funding %s unknown: %s", funding.id, error.message)
        db.session.rollback()
        return False
    db.session.commit()
    return bool(funding.charge_id)


def _update_unfrozen(payout_id: int, *conditions: sa.ColumnElement[bool], **values: object) -> bool:
    """One conditional UPDATE of an unfrozen row (a dispute may freeze it after it was
    listed), committed; True when this caller's update won."""
    won = db.session.execute(
        sa.update(Payout)
        .where(Payout.id == payout_id, Payout.frozen.is_(False), *conditions)
        .values(**values, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return won == 1


def _claim(payout_id: int, destination: str) -> bool:
    """pending → processing, committed; False when another worker (or a freeze) got there."""
    return _update_unfrozen(
        payout_id,
        Payout.status == PayoutStatus.PENDING,
        status=PayoutStatus.PROCESSING,
        destination_account=destination,
        processing_started_at=utcnow(),
        attempts=Payout.attempts + 1,
    )


def _claim_retry(payout_id: int, attempts: int) -> bool:
    """A processing row's next attempt; of concurrent retriers, one wins."""
    return _update_unfrozen(
        payout_id,
        Payout.status == PayoutStatus.PROCESSING,
        Payout.attempts == attempts,
        attempts=attempts + 1,
    )


def _next_key(payout_id: int, attempts: int, key_attempt: int) -> bool:
    """The claimed row moves to its next key, committed before the call; False when another
    worker claimed the row since (its claim counts in ``attempts``)."""
    won = _update_unfrozen(
        payout_id,
        Payout.status == PayoutStatus.PROCESSING,
        Payout.attempts == attempts,
        Payout.key_attempt == key_attempt,
        key_attempt=key_attempt + 1,
        idempotency_key=attempt_key(f"payout:{payout_id}", key_attempt + 1),
        processing_started_at=utcnow(),  # the new key's age: ``run_payouts`` retries it
    )
    if won:
        logger.warning(
            "payout %s: no transfer at Stripe, new key attempt %s", payout_id, key_attempt + 1
        )
    return won


def record_transfer(payout_id: int, transfer: TransferResult) -> str:
    """Mark a processing payout paid by ``transfer`` and write its ledger entry (flush only).

    Under a row lock; a paid row stays as it is (a replayed event or answer writes nothing).
    A transfer whose amount or currency differs is logged and flagged, never recorded as paid.
    """
    payout = db.session.scalars(
        sa.select(Payout)
        .where(Payout.id == payout_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if payout is None:
        return "ignored: unknown payout"
    if payout.status == PayoutStatus.PAID:
        if payout.stripe_transfer_id != transfer.id:
            payout.needs_attention = True
            logger.error("payout %s: second transfer %s", payout.id, transfer.id)
            return "attention: a second transfer"
        return "already paid"
    if payout.status != PayoutStatus.PROCESSING:
        payout.needs_attention = True
        logger.error(
            "payout %s is %s but transfer %s exists", payout.id, payout.status, transfer.id
        )
        return f"attention: transfer for a {payout.status} payout"
    if transfer.amount != payout.amount or transfer.currency != payout.currency:
        payout.needs_attention = True
        payout.last_error = (
            f"Amount mismatch: Stripe reported {transfer.amount} {transfer.currency}, "
            f"expected {payout.amount} {payout.currency}."
        )
        logger.error("payout %s: %s", payout.id, payout.last_error)
        return "amount mismatch: not recorded"
    payout.status = PayoutStatus.PAID
    payout.stripe_transfer_id = transfer.id
    payout.paid_at = utcnow()
    payout.last_error = ""
    ledger.record(
        payout.challenge_id,
        LedgerKind.PAID_OUT,
        payout.amount,
        payout.currency,
        transfer.id,
        f"Payout {payout.id}",
        payout_id=payout.id,
    )
    # Only the payee hears of it here; settling is the paying worker's (or cron's) next step,
    # never this caller's, which may be the transfer.created webhook.
    announce_paid_later(payout.id)
    return "paid"


def _record_error(payout_id: int, error: GatewayError) -> str:
    payout = db.session.get(Payout, payout_id, populate_existing=True, with_for_update=True)
    if payout is None or payout.status != PayoutStatus.PROCESSING:
        db.session.commit()
        return "skipped"
    payout.last_error = error.message[:500]
    if error.definite and error.code not in IN_PROGRESS_CODES:
        payout.status = PayoutStatus.FAILED
        payout.failure_reason = error.message[:500]
        logger.error("payout %s refused by Stripe: %s", payout.id, error.message)
        outcome = "failed"
    else:
        logger.warning("payout %s: outcome unknown: %s", payout.id, error.message)
        outcome = "unknown"
    db.session.commit()
    return outcome


def execute_payout(payout_id: int) -> str:
    """Call Stripe for a claimed (processing) payout with its key; record the answer."""
    payout = db.session.get(Payout, payout_id, populate_existing=True)
    if payout is None or payout.status != PayoutStatus.PROCESSING:
        return "skipped"
    funding = payout.funding
    call = {
        "amount": payout.amount,
        "currency": payout.currency,
        "destination": payout.destination_account or "",
        "transfer_group": transfer_group(payout.challenge_id),
        "source_transaction": funding.charge_id if funding is not None else None,
        "metadata": {"payout_id": str(payout.id), "challenge_id": str(payout.challenge_id)},
        "idempotency_key": payout.idempotency_key or payout.key,
        "key_as_first_sent": keeps_first_key("payout", payout.id, payout.key_attempt),
    }
    db.session.commit()  # hold no transaction while Stripe (and its webhook) runs
    try:
        transfer = gateway().create_transfer(**call)
    except GatewayError as error:
        db.session.rollback()
        return _record_error(payout_id, error)
    outcome = record_transfer(payout_id, transfer)
    db.session.commit()
    return outcome


def _same_key_window() -> timedelta:
    """How long a key is retried as it is; older rows are ``reconcile_payouts``'s alone."""
    return min(KEY_WINDOW, timedelta(seconds=current_app.config["PAYOUTS_RECONCILE_AFTER"]))


def run_payouts(challenge_id: int | None = None, user_id: int | None = None) -> PayoutRun:
    """Pay every pending, unfrozen payout whose recipient can receive transfers, and retry
    processing ones (same key) whose key is younger than PAYOUTS_RECONCILE_AFTER; only the
    challenge's or the user's when given. Pays only: settling is ``settle_challenge``'s."""
    summary = PayoutRun()
    now = utcnow()
    query = (
        sa.select(Payout.id, Payout.status, Payout.user_id, Payout.attempts, Payout.challenge_id)
        .where(
            Payout.frozen.is_(False),
            sa.or_(
                Payout.status == PayoutStatus.PENDING,
                sa.and_(
                    Payout.status == PayoutStatus.PROCESSING,
                    Payout.processing_started_at > now - _same_key_window(),
                ),
            ),
        )
        .order_by(Payout.id)
    )
    if challenge_id is not None:
        query = query.where(Payout.challenge_id == challenge_id)
    if user_id is not None:
        query = query.where(Payout.user_id == user_id)
    rows = db.session.execute(query).all()
    db.session.commit()
    for payout_id, status, payee_id, attempts, payout_challenge in rows:
        if status == PayoutStatus.PENDING:
            destination = _ready_account(payee_id)
            if destination is None:
                summary.waiting += 1
                continue
            if not _source_ready(payout_id):
                summary.add("unknown")
                continue
            claimed = _claim(payout_id, destination)
        else:
            claimed = _claim_retry(payout_id, attempts)
        summary.add(execute_payout(payout_id) if claimed else "skipped", payout_challenge)
    return summary


def reconcile_payouts(older_than: timedelta | None = None) -> PayoutRun:
    """For processing rows whose key is older than the window: the transfer Stripe holds for
    the row (``transfers.list`` by group, matched on ``metadata.payout_id``) marks it paid;
    none found → the row moves to its next key and the transfer is created with it."""
    if older_than is None:
        older_than = timedelta(seconds=current_app.config["PAYOUTS_RECONCILE_AFTER"])
    summary = PayoutRun()
    rows = db.session.execute(
        sa.select(Payout.id, Payout.challenge_id, Payout.attempts, Payout.key_attempt)
        .where(
            Payout.status == PayoutStatus.PROCESSING,
            Payout.processing_started_at <= utcnow() - older_than,
            Payout.frozen.is_(False),  # disputed: left alone until released
        )
        .order_by(Payout.id)
    ).all()
    db.session.commit()
    for payout_id, challenge_id, attempts, key_attempt in rows:
        if not _claim_retry(payout_id, attempts):
            summary.add("skipped")
            continue
        try:
            found = gateway().find_transfer(
                transfer_group=transfer_group(challenge_id), payout_id=payout_id
            )
        except GatewayError as error:
            summary.add(_record_error(payout_id, GatewayError(error.message, definite=False)))
            continue
        if found is None:
            claimed = _next_key(payout_id, attempts + 1, key_attempt)
            summary.add(execute_payout(payout_id) if claimed else "skipped", challenge_id)
            continue
        outcome = record_transfer(payout_id, found)
        db.session.commit()
        summary.add(outcome, challenge_id)
    return summary

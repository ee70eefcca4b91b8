"""``transfer.created`` / ``transfer.reversed`` on the platform endpoint (inside ``apply_event``,
which deduplicates by event id and commits). Monotonic: paid never goes back."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

from core.db import db
from payments import ledger
from payments.gateway import TransferResult
from payments.models import LedgerKind
from payments.payouts.models import Payout, PayoutStatus
from payments.payouts.worker import record_transfer

logger = logging.getLogger("openprize.payments")


def _result(transfer: dict[str, Any]) -> TransferResult:
    return TransferResult(
        id=str(transfer.get("id", "")),
        amount=int(transfer.get("amount") or 0),
        currency=str(transfer.get("currency", "")).upper(),
        destination=str(transfer.get("destination") or ""),
    )


def _payout_id(transfer: dict[str, Any]) -> int | None:
    value = str((transfer.get("metadata") or {}).get("payout_id", ""))
    return int(value) if value.isdigit() else None


def on_transfer_created(transfer: dict[str, Any]) -> str:
    """Repairs a crash between Stripe's answer and the worker's commit: the payout is marked
    paid here if it is still processing (with the same checks as the worker)."""
    payout_id = _payout_id(transfer)
    if payout_id is None:
        return "ignored: not a payout transfer"
    return record_transfer(payout_id, _result(transfer))


def on_transfer_reversed(transfer: dict[str, Any]) -> str:
    """A reversal leaves the payout paid (it was paid) but writes a ``payout_reversed`` entry
    per reversal and flags the payout for an admin."""
    payout = db.session.scalars(
        sa.select(Payout).where(Payout.stripe_transfer_id == transfer.get("id")).with_for_update()
    ).first()
    if payout is None:
        payout_id = _payout_id(transfer)
        if payout_id is None:
            return "ignored: not a payout transfer"
        outcome = record_transfer(payout_id, _result(transfer))  # reversed before recorded
        payout = db.session.get(Payout, payout_id)
        if payout is None or payout.status != PayoutStatus.PAID:
            return f"ignored: {outcome}"
    reversals = ((transfer.get("reversals") or {}).get("data")) or []
    if not reversals and transfer.get("amount_reversed"):
        reversals = [{"id": f"{transfer['id']}:reversed", "amount": transfer["amount_reversed"]}]
    written = 0
    for reversal in reversals:
        written += ledger.record(
            payout.challenge_id,
            LedgerKind.PAYOUT_REVERSED,
            int(reversal.get("amount") or 0),
            payout.currency,
            str(reversal.get("id")),
            f"Transfer of payout {payout.id} reversed",
            payout_id=payout.id,
        )
    payout.needs_attention = True
    logger.error("payout %s: transfer %s reversed", payout.id, payout.stripe_transfer_id)
    return f"reversal recorded ({written} new)"

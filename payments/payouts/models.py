"""Payouts, one row per recipient of an award paid by exactly one Stripe Transfer, and each
challenge's settlement: the unawarded remainder refunded once every award is paid."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from core.db import UTCDateTime, db, enum_check, utcnow
from core.errors import Conflict
from judging.results.models import Award
from payments.models import Funding, attempt_key


class PayoutStatus(enum.StrEnum):
    PENDING = "pending"  # recorded with the award; waiting for the worker (or for onboarding)
    PROCESSING = "processing"  # claimed: the Stripe call may have happened (outcome unknown)
    PAID = "paid"  # Stripe created the transfer (recorded once, by the worker or the webhook)
    FAILED = "failed"  # Stripe refused definitely; an admin may re-issue it as a new row


class Payout(db.Model):
    """``idempotency_key`` (``payout:<id>``) is set in the creating transaction, right after
    the flush that gives the id, and is the key of every ``transfers.create`` for this row.
    Stripe replays a key's first answer, a 5xx included: once reconcile has established that
    Stripe holds no transfer for the row, the row moves to its next ``key_attempt``
    (``payout:<id>:a2``…), recorded before the call. A failed payout re-issued by an admin is
    a new row with ``reissue + 1`` (new key)."""

    __tablename__ = "payouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("awards.id", ondelete="RESTRICT"))
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The paid funding whose charge is the transfer's ``source_transaction`` (None: balance).
    funding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fundings.id"))
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[PayoutStatus] = mapped_column(sa.String(16), default=PayoutStatus.PENDING)
    frozen: Mapped[bool] = mapped_column(default=False)  # disputes hold unpaid payouts
    needs_attention: Mapped[bool] = mapped_column(default=False)  # reversed, mismatch…
    reissue: Mapped[int] = mapped_column(default=0)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Fixed when claimed, so a retry with the same key sends the very same parameters.
    destination_account: Mapped[str | None] = mapped_column(sa.String(255))
    stripe_transfer_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    failure_reason: Mapped[str] = mapped_column(sa.Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)  # claims of the row by a worker
    key_attempt: Mapped[int] = mapped_column(default=1, server_default="1")
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    processing_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    award: Mapped[Award] = relationship()
    funding: Mapped[Funding | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("award_id", "user_id", "reissue"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint("reissue >= 0", name="reissue_not_negative"),
        sa.CheckConstraint("key_attempt >= 1", name="key_attempt_positive"),
        sa.CheckConstraint(
            "status = 'pending' OR (idempotency_key IS NOT NULL AND destination_account IS NOT NULL"
            " AND processing_started_at IS NOT NULL)",
            name="claimed_has_key",
        ),
        sa.CheckConstraint(
            "status <> 'paid' OR (stripe_transfer_id IS NOT NULL AND paid_at IS NOT NULL)",
            name="paid_has_transfer",
        ),
        enum_check("status", PayoutStatus, "status_valid"),
        sa.Index("ix_payouts_status", "status", "challenge_id"),
    )

    @validates("amount", "currency", "user_id")
    def _fixed_once_created(self, name: str, value: object) -> object:
        """What a payout pays, to whom, is fixed when winners are approved: a retry must send
        the very same transfer. A different amount means a failed payout and a re-issue."""
        if self.id is not None and getattr(self, name) != value:
            raise Conflict(
                f"A payout's {name.replace('_id', '')} cannot change once it exists "
                f"(payout {self.id} is {self.status}); re-issue a failed payout instead."
            )
        return value

    @property
    def key(self) -> str:
        return attempt_key(f"payout:{self.id}", self.key_attempt or 1)


class SettlementStatus(enum.StrEnum):
    REFUNDING = "refunding"  # remainder refund rows recorded; waiting for charge.refunded
    SETTLED = "settled"  # every award paid and the remainder refunded (or none was left)


class SettlementReason(enum.StrEnum):
    PAID = "paid"  # every payout of the challenge is paid
    DECLINED = "declined"  # the sponsor declined to award: the whole purse is the remainder


class Settlement(db.Model):
    """One per challenge (UNIQUE): written in the transaction that records the remainder's
    refund rows, so a second settle, concurrent or later, finds it and refunds nothing."""

    __tablename__ = "settlements"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), unique=True)
    reason: Mapped[SettlementReason] = mapped_column(sa.String(16))
    funded: Mapped[int] = mapped_column(sa.BigInteger)  # purse of the paid fundings
    awarded: Mapped[int] = mapped_column(sa.BigInteger)
    remainder: Mapped[int] = mapped_column(sa.BigInteger)  # funded - awarded, refunded
    fee: Mapped[int] = mapped_column(sa.BigInteger)  # platform fee kept
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[SettlementStatus] = mapped_column(
        sa.String(16), default=SettlementStatus.REFUNDING
    )
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # sponsor's summary
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("remainder >= 0", name="remainder_not_negative"),
        sa.CheckConstraint("remainder = funded - awarded", name="remainder_is_unawarded"),
        sa.CheckConstraint(
            "status <> 'settled' OR settled_at IS NOT NULL", name="settled_has_time"
        ),
        enum_check("status", SettlementStatus, "status_valid"),
        enum_check("reason", SettlementReason, "reason_valid"),
    )

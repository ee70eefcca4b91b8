"""Fundings, refunds, processed Stripe events, the per-challenge ledger, this install's id."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenges.models import Challenge
from core.db import UTCDateTime, db, enum_check, utcnow


class FundingStatus(enum.StrEnum):
    CREATED = "created"  # row committed, Checkout Session not yet created
    OPEN = "open"  # Checkout Session created, sponsor has not paid yet
    PROCESSING = "processing"  # paid with a delayed method; waiting for the outcome
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"


# States only move forward along this order (webhooks may arrive out of order).
FUNDING_RANK = {
    FundingStatus.CREATED: 0,
    FundingStatus.OPEN: 1,
    FundingStatus.PROCESSING: 2,
    FundingStatus.PAID: 3,
    FundingStatus.FAILED: 3,
    FundingStatus.EXPIRED: 3,
}


class RefundStatus(enum.StrEnum):
    PENDING = "pending"  # intent recorded; the Stripe call may not have happened yet
    REQUESTED = "requested"  # Stripe accepted the refund; waiting for charge.refunded
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class DisputeStatus(enum.StrEnum):
    """A funding charge's dispute: open, then won or lost (never back; see payments.disputes)."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"


class LedgerKind(enum.StrEnum):
    FUNDED = "funded"  # purse received on the platform balance
    FEE = "fee"  # platform fee received
    REFUNDED = "refunded"  # purse returned to the sponsor
    FEE_REFUNDED = "fee_refunded"  # platform fee returned (cancellation before results)
    PAID_OUT = "paid_out"  # a payout's transfer to a winner's connected account
    PAYOUT_REVERSED = "payout_reversed"  # a paid transfer reversed back to the platform


class Funding(db.Model):
    __tablename__ = "fundings"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    sequence: Mapped[int] = mapped_column(default=1)
    purse_amount: Mapped[int] = mapped_column(sa.BigInteger)
    fee_amount: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    status: Mapped[FundingStatus] = mapped_column(sa.String(16), default=FundingStatus.CREATED)
    attempt: Mapped[int] = mapped_column(default=1)
    checkout_session_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(sa.Text)
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255))
    charge_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    failure_reason: Mapped[str] = mapped_column(sa.Text, default="")
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The charge's dispute, if any (a charge has at most one): freezes the challenge's payouts.
    dispute_id: Mapped[str | None] = mapped_column(sa.String(255))
    dispute_status: Mapped[DisputeStatus | None] = mapped_column(sa.String(16))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    challenge: Mapped[Challenge] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "sequence"),
        sa.CheckConstraint("purse_amount > 0", name="purse_positive"),
        sa.CheckConstraint("fee_amount >= 0", name="fee_not_negative"),
        enum_check("status", FundingStatus, "status_valid"),
        enum_check("dispute_status", DisputeStatus, "dispute_status_valid"),
    )

    @property
    def total_amount(self) -> int:
        return self.purse_amount + self.fee_amount

    @property
    def idempotency_key(self) -> str:
        """Derived from the row and its attempt: a retry of the same attempt reuses it."""
        return f"funding:{self.id}:checkout:{self.attempt}"


class Refund(db.Model):
    __tablename__ = "refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    funding_id: Mapped[int] = mapped_column(sa.ForeignKey("fundings.id"), index=True)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[RefundStatus] = mapped_column(sa.String(16), default=RefundStatus.PENDING)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    stripe_refund_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    # Stripe replays a key's first answer, a 5xx included: a refund whose key has failed for
    # longer than PAYOUTS_RECONCILE_AFTER and of which Stripe holds nothing moves on to a new
    # key (``refund:<id>:a2``…); ``key_started_at`` is when the current key came into use.
    key_attempt: Mapped[int] = mapped_column(default=1, server_default="1")
    key_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    funding: Mapped[Funding] = relationship()

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("key_attempt >= 1", name="key_attempt_positive"),
        enum_check("status", RefundStatus, "status_valid"),
    )

    @property
    def idempotency_key(self) -> str:
        return attempt_key(f"refund:{self.id}", self.key_attempt or 1)


def attempt_key(base: str, attempt: int) -> str:
    """A row's idempotency key for its ``attempt``; the first keeps the plain key (rows made
    before attempts existed used it)."""
    return base if attempt == 1 else f"{base}:a{attempt}"


class Installation(db.Model):
    """This installation (one row): its id starts every Stripe idempotency key, so two
    installs, or a database made again, on one Stripe account never share a key.

    Payouts and refunds that existed when the id was made keep their first key as it was
    (``legacy_*_upto``: the highest such row id): one of them may have reached Stripe with
    its answer lost, and a retry under another key would pay or refund twice."""

    __tablename__ = "installations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    install_id: Mapped[str] = mapped_column(sa.String(40), unique=True)
    legacy_payouts_upto: Mapped[int] = mapped_column(default=0, server_default="0")
    legacy_refunds_upto: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("id = 1", name="one_row"),)


class StripeEvent(db.Model):
    """Every webhook event applied, keyed by Stripe's id: a replay finds its row and stops."""

    __tablename__ = "stripe_events"

    event_id: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(100))
    endpoint: Mapped[str] = mapped_column(sa.String(16), default="platform")
    outcome: Mapped[str] = mapped_column(sa.String(200), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    kind: Mapped[LedgerKind] = mapped_column(sa.String(16))
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    reference: Mapped[str] = mapped_column(sa.String(255), default="")
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    # The payout a paid_out or payout_reversed entry moves money for: the page names its payee.
    payout_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payouts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.UniqueConstraint("kind", "reference"),
        enum_check("kind", LedgerKind, "kind_valid"),
    )

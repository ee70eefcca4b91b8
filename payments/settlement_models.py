"""A challenge's settlement: the unawarded remainder refunded once every award is paid."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, db, enum_check, utcnow


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

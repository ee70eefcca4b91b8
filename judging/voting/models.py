"""Community votes: the current vote per (entry, voter) and every change as an event."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, db, utcnow
from submissions.models import Submission


class VoteReview(enum.StrEnum):
    COUNTED = "counted"  # an admin looked and the vote counts
    DISCARDED = "discarded"  # an admin looked and the vote does not count (kept on record)


class Vote(db.Model):
    """A voter's current vote on an entry (+1 up, −1 down); flagged votes wait in quarantine."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("submissions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    value: Mapped[int] = mapped_column(sa.SmallInteger)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    quarantined: Mapped[bool] = mapped_column(default=False)
    flag_reasons: Mapped[str] = mapped_column(sa.String(120), default="")
    review: Mapped[VoteReview | None] = mapped_column(sa.String(16))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    submission: Mapped[Submission] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        sa.UniqueConstraint("submission_id", "user_id"),
        sa.CheckConstraint("value IN (-1, 1)", name="value_up_or_down"),
        sa.CheckConstraint(
            "review IS NULL OR review IN ('counted', 'discarded')", name="review_valid"
        ),
        sa.Index("ix_votes_quarantine", "quarantined", "reviewed_at"),
    )

    @property
    def counts(self) -> bool:
        """Quarantined votes count only once an admin says so; discarded ones never do."""
        if self.review is not None:
            return self.review == VoteReview.COUNTED
        return not self.quarantined


class VoteEvent(db.Model):
    """Every cast, change and withdrawal (value 0), so a vote's history survives its changes."""

    __tablename__ = "vote_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(sa.SmallInteger)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint("value IN (-1, 0, 1)", name="value_valid"),
        sa.Index("ix_vote_events_user_time", "user_id", "created_at"),
    )


def counted_votes() -> sa.ColumnElement[bool]:
    """SQL twin of ``Vote.counts``: unflagged votes, and flagged ones an admin let count."""
    return sa.or_(
        Vote.review == VoteReview.COUNTED,
        sa.and_(Vote.review.is_(None), Vote.quarantined.is_(False)),
    )

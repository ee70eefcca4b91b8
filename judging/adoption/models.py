"""Adoption tables: append-only updates per award, reuse reports, and the reminders sent."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, db, enum_check, utcnow
from judging.results.models import Award
from submissions.models import Submission


class AdoptionStatus(enum.StrEnum):
    EVALUATING = "evaluating"
    PILOTING = "piloting"
    ADOPTED = "adopted"
    NOT_ADOPTED = "not_adopted"


STATUS_LABELS = {
    AdoptionStatus.EVALUATING: _l("Evaluating"),
    AdoptionStatus.PILOTING: _l("Piloting"),
    AdoptionStatus.ADOPTED: _l("Adopted"),
    AdoptionStatus.NOT_ADOPTED: _l("Not adopted"),
}


class ReuseState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class AdoptionUpdate(db.Model):
    """One dated statement of what became of a winning solution; never edited (a correction is
    a newer update), the latest is the current status."""

    __tablename__ = "adoption_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    award_id: Mapped[int] = mapped_column(sa.ForeignKey("awards.id", ondelete="CASCADE"))
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[AdoptionStatus] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    links: Mapped[str] = mapped_column(sa.Text, default="")  # one http(s) address a line
    money_saved: Mapped[int | None] = mapped_column(sa.BigInteger)  # minor units
    currency: Mapped[str] = mapped_column(sa.String(3))
    people_reached: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    award: Mapped[Award] = relationship()
    author: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.Index("ix_adoption_updates_award_id_created_at", "award_id", "created_at"),
        enum_check("status", AdoptionStatus, "status_valid"),
        sa.CheckConstraint(
            "status <> 'not_adopted' OR reason <> ''", name="not_adopted_has_reason"
        ),
        sa.CheckConstraint("money_saved IS NULL OR money_saved >= 0", name="money_not_negative"),
        sa.CheckConstraint(
            "people_reached IS NULL OR people_reached >= 0", name="people_not_negative"
        ),
    )

    @property
    def link_list(self) -> list[str]:
        return [line for line in self.links.splitlines() if line]


class ReuseReport(db.Model):
    """Someone says an open solution was reused elsewhere; it counts once an admin approves."""

    __tablename__ = "reuse_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(sa.String(500))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    state: Mapped[ReuseState] = mapped_column(sa.String(16), default=ReuseState.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    submission: Mapped[Submission] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])

    __table_args__ = (
        enum_check("state", ReuseState, "state_valid"),
        sa.CheckConstraint("state = 'pending' OR decided_at IS NOT NULL", name="decision_has_time"),
    )


MILESTONES = (3, 6, 12)


class AdoptionReminder(db.Model):
    """A reminder mailed for a challenge at a milestone (months after the award): at most one."""

    __tablename__ = "adoption_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    milestone: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "milestone"),
        sa.CheckConstraint("milestone IN (3, 6, 12)", name="milestone_valid"),
    )

"""The outbox: one row per job, written in the transaction of the change that causes it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, db, enum_check, utcnow


class JobState(enum.StrEnum):
    PENDING = "pending"  # waiting for a worker (from run_after on)
    RUNNING = "running"  # claimed until lease_until; a dead worker's job is claimed again
    DONE = "done"
    FAILED = "failed"  # gave up after max_attempts; shown on /admin/jobs


class Job(db.Model):  # type: ignore[name-defined,misc]  # db.Model is dynamic
    __tablename__ = "jobs"
    __table_args__ = (
        enum_check("state", JobState, "state"),
        sa.Index("ix_jobs_state_run_after", "state", "run_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    # Unique when set: a scheduled slot, an export request. Enqueuing the key again is a no-op.
    key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    state: Mapped[str] = mapped_column(sa.String(16), default=JobState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    run_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # For jobs people wait on (exports, results): 0-100 and a line of text, and who asked.
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    progress: Mapped[int | None] = mapped_column()
    progress_note: Mapped[str] = mapped_column(sa.String(200), default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def finished(self) -> bool:
        return self.state in {JobState.DONE, JobState.FAILED}

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state}>"

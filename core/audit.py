"""The audit log: who did what to which object, kept forever."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, db, utcnow


class AuditEntry(db.Model):  # type: ignore[name-defined,misc]  # db.Model is dynamic
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int]
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.Index("ix_audit_log_object", "object_type", "object_id"),)


def record(
    actor_id: int | None, action: str, object_type: str, object_id: int, detail: str = ""
) -> None:
    """Add an entry in the caller's transaction (flushes nothing, commits nothing)."""
    db.session.add(
        AuditEntry(
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=detail[:2000],
        )
    )

"""Results tables: the frozen snapshot with one row per ranked entry, and the awards it led to."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from challenges.models import Challenge, PrizeTier
from core.db import UTCDateTime, db, enum_check, utcnow
from submissions.models import Submission


class SnapshotState(enum.StrEnum):
    COMPUTED = "computed"  # frozen, awaiting the sponsor's decision
    SUPERSEDED = "superseded"  # a later computation replaced it
    APPROVED = "approved"  # winners approved: awards exist
    DECLINED = "declined"  # no entry reached the passing score; nothing awarded


class AwardKind(enum.StrEnum):
    PLACED = "placed"  # a prize tier given by the expert ranking
    PEOPLES_CHOICE = "peoples_choice"  # the tier the sponsor set aside for the community


class ResultSnapshot(db.Model):
    """An immutable computation of the ranking; only the decision columns change afterwards."""

    __tablename__ = "result_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[SnapshotState] = mapped_column(sa.String(16), default=SnapshotState.COMPUTED)
    method: Mapped[str] = mapped_column(sa.String(40))
    lam: Mapped[float] = mapped_column(sa.Float)
    inputs_hash: Mapped[str] = mapped_column(sa.String(64))
    # The challenge's inputs_version when computed; None for snapshots older than the counter.
    inputs_version: Mapped[int | None]
    # Weights, k, passing score, community weight, round: everything the method read.
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Per judge: {"label": "J1", "bias": b_j, "reviews": n_j}, for the reliability panel.
    judges: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    entry_count: Mapped[int] = mapped_column(default=0)
    review_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # Published with the results when the awards differ from the computed order (or none).
    adjustment_reason: Mapped[str] = mapped_column(sa.Text, default="")

    challenge: Mapped[Challenge] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        enum_check("state", SnapshotState, "state_valid"),
        sa.CheckConstraint(
            "state NOT IN ('approved', 'declined') OR decided_at IS NOT NULL",
            name="decision_has_time",
        ),
    )


class ResultRow(db.Model):
    """One entry's line in a snapshot: scores, community tally, rank after the tie-break chain."""

    __tablename__ = "result_rows"

    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("result_snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    rank: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    final_score: Mapped[float] = mapped_column(sa.Float)
    calibrated_score: Mapped[float] = mapped_column(sa.Float)
    raw_mean: Mapped[float] = mapped_column(sa.Float)
    # {criterion name: calibrated mean on the 1–5 scale}
    criterion_means: Mapped[dict[str, float]] = mapped_column(sa.JSON, default=dict)
    review_count: Mapped[int]
    votes_up: Mapped[int] = mapped_column(default=0)
    votes_down: Mapped[int] = mapped_column(default=0)
    community_score: Mapped[float | None] = mapped_column(sa.Float)
    finalist: Mapped[bool] = mapped_column(default=False)
    passes: Mapped[bool] = mapped_column(default=True)
    decided_by: Mapped[int | None]  # tie-break step (1–6) that puts it above the next row
    needs_panel_resolution: Mapped[bool] = mapped_column(default=False)

    submission: Mapped[Submission] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("snapshot_id", "submission_id"),
        sa.CheckConstraint("rank >= 1", name="rank_positive"),
        sa.CheckConstraint("review_count >= 0", name="review_count_not_negative"),
    )


class Award(db.Model):
    """A prize tier given to an entry by an approved snapshot: the hand-off to payouts."""

    __tablename__ = "awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    snapshot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("result_snapshots.id", ondelete="CASCADE"), index=True
    )
    prize_tier_id: Mapped[int] = mapped_column(sa.ForeignKey("prize_tiers.id"))
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[AwardKind] = mapped_column(sa.String(16), default=AwardKind.PLACED)
    rank: Mapped[int | None]  # the entry's computed rank (None for People's Choice)
    amount: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    challenge: Mapped[Challenge] = relationship()
    snapshot: Mapped[ResultSnapshot] = relationship()
    prize_tier: Mapped[PrizeTier] = relationship()
    submission: Mapped[Submission] = relationship()

    __table_args__ = (
        # Each tier is given once, whoever clicks "Approve" and however often.
        sa.UniqueConstraint("challenge_id", "prize_tier_id"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        enum_check("kind", AwardKind, "kind_valid"),
    )

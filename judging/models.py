"""Judging tables: settings, rubric criteria, the panel, assignments, reviews, round entries."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import Grouping

from accounts.models import Organization, User
from challenges.models import Challenge
from core.db import UTCDateTime, db, enum_check, utcnow
from submissions.models import Submission

SCORE_MIN, SCORE_MAX = 1, 5
MAX_WEIGHT = 100
MAX_K = 10


class JudgeStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REMOVED = "removed"


class Round(enum.StrEnum):
    SCREENING = "screening"  # pass/fail with a reason; a fail goes to a second screener
    EVALUATION = "evaluation"  # k judges per entry on the rubric
    FINALIST = "finalist"  # every panel judge scores every finalist


# How a round is named in a sentence ("The %(round)s is over"), in the reader's language.
ROUND_PHRASES = {
    Round.SCREENING: _l("screening round"),
    Round.EVALUATION: _l("evaluation round"),
    Round.FINALIST: _l("finalist round"),
}


def round_phrase(value: str) -> str:
    """``screening round``, ``evaluation round`` or ``finalist round`` (translated)."""
    phrase = ROUND_PHRASES.get(Round(value)) if value in Round.__members__.values() else None
    return str(phrase) if phrase is not None else f"{value} round"


class Verdict(enum.StrEnum):
    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    FAIL = "fail"


MAX_COMMUNITY_WEIGHT = 0.3


class AssignmentState(enum.StrEnum):
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    VOID = "void"


def new_blind_secret() -> str:
    return secrets.token_hex(32)


class JudgingSettings(db.Model):
    """One row per challenge: judges per entry, blind review, passing score, label secret."""

    __tablename__ = "judging_settings"

    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    k: Mapped[int] = mapped_column(default=3)
    blind_review: Mapped[bool] = mapped_column(default=True)
    passing_score: Mapped[float | None] = mapped_column(sa.Float)
    blind_secret: Mapped[str] = mapped_column(sa.String(64), default=new_blind_secret)
    # Rounds: screening before evaluation (optional), finalists after it (optional, top N).
    screening: Mapped[bool] = mapped_column(default=False)
    finalist_count: Mapped[int | None]
    current_round: Mapped[Round] = mapped_column(sa.String(16), default=Round.EVALUATION)
    # Community: the prize tier given to the community's favourite (People's Choice), and the
    # optional blend of the community ranking into the expert one (0 = off, at most 0.3).
    peoples_choice_tier_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("prize_tiers.id", ondelete="SET NULL")
    )
    community_weight: Mapped[float] = mapped_column(sa.Float, default=0.0)
    # Moves whenever something results read changes (judging/results/freshness.py).
    inputs_version: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    challenge: Mapped[Challenge] = relationship()

    __table_args__ = (
        sa.CheckConstraint(f"k BETWEEN 1 AND {MAX_K}", name="k_range"),
        sa.CheckConstraint(
            "passing_score IS NULL OR (passing_score >= 0 AND passing_score <= 100)",
            name="passing_score_range",
        ),
        sa.CheckConstraint(
            "finalist_count IS NULL OR finalist_count >= 1", name="finalist_count_positive"
        ),
        sa.CheckConstraint(
            f"community_weight >= 0 AND community_weight <= {MAX_COMMUNITY_WEIGHT}",
            name="community_weight_range",
        ),
        enum_check("current_round", Round, "current_round_valid"),
    )

    @property
    def secret_bytes(self) -> bytes:
        return self.blind_secret.encode()


class Criterion(db.Model):
    """One rubric line, scored 1–5; ``anchor_low`` says what a 1 means, ``anchor_high`` a 5."""

    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(80))
    guidance: Mapped[str] = mapped_column(sa.Text, default="")
    anchor_low: Mapped[str] = mapped_column(sa.String(300), default="")
    anchor_high: Mapped[str] = mapped_column(sa.String(300), default="")
    weight: Mapped[int]

    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "position"),
        sa.UniqueConstraint("challenge_id", "name"),
        sa.CheckConstraint("position >= 1", name="position_positive"),
        sa.CheckConstraint(f"weight BETWEEN 1 AND {MAX_WEIGHT}", name="weight_range"),
    )


judge_conflict_orgs = sa.Table(
    "judge_conflict_orgs",
    db.metadata,
    sa.Column("judge_id", sa.ForeignKey("judges.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("org_id", sa.ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
)


class Judge(db.Model):
    """A panel seat: invited by e-mail, bound to the account that accepts it."""

    __tablename__ = "judges"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    status: Mapped[JudgeStatus] = mapped_column(sa.String(16), default=JudgeStatus.INVITED)
    declared_conflicts: Mapped[str] = mapped_column(sa.Text, default="")
    attested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the judge was last reminded of unfinished reviews (at most one reminder per 24 h).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    challenge: Mapped[Challenge] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    conflict_orgs: Mapped[list[Organization]] = relationship(
        secondary=judge_conflict_orgs, order_by="Organization.name"
    )

    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "email"),
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint(
            "status <> 'accepted' OR attested_at IS NOT NULL",
            name="accepted_means_attested",
        ),
        enum_check("status", JudgeStatus, "status_valid"),
    )

    @property
    def is_active(self) -> bool:
        return self.status == JudgeStatus.ACCEPTED and self.attested_at is not None

    @property
    def label(self) -> str:
        """How sponsors see the judge: name and e-mail once accepted, else the e-mail."""
        return f"{self.user.display_name} <{self.email}>" if self.user else self.email


class Assignment(db.Model):
    """One judge on one entry; ``void`` assignments grant nothing and do not count."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    # (judge_id, submission_id, round) is unique, which also indexes judge_id.
    judge_id: Mapped[int] = mapped_column(sa.ForeignKey("judges.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    round: Mapped[Round] = mapped_column(sa.String(16), default=Round.EVALUATION)
    state: Mapped[AssignmentState] = mapped_column(sa.String(16), default=AssignmentState.ASSIGNED)
    blind_label: Mapped[str] = mapped_column(sa.String(20))
    void_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # A conflict voids for good; a sponsor's swap may be undone by swapping the judge back.
    voided_for_conflict: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    judge: Mapped[Judge] = relationship()
    submission: Mapped[Submission] = relationship()
    review: Mapped[Review | None] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", uselist=False
    )

    __table_args__ = (
        sa.UniqueConstraint("judge_id", "submission_id", "round"),
        sa.CheckConstraint("state <> 'void' OR voided_at IS NOT NULL", name="void_has_time"),
        enum_check("state", AssignmentState, "state_valid"),
        enum_check("round", Round, "round_valid"),
    )

    @property
    def is_void(self) -> bool:
        return self.state == AssignmentState.VOID


def _rank(column: sa.ColumnElement[str], words: list[str]) -> sa.ColumnElement[int]:
    """0, 1.. for ``words`` in that order, len(words) for anything else; the words are written
    into the SQL (no bound parameters), so a query ordering by it matches the index below."""
    whens = [
        (column == sa.literal_column(f"'{word}'"), sa.literal_column(str(n)))
        for n, word in enumerate(words)
    ]
    return Grouping(sa.case(*whens, else_=sa.literal_column(str(len(words)))))


# A judge's queue, what they do next first: drafts under way, untouched, submitted (void last),
# then screening, evaluation, finalist, then by label.
QUEUE_ORDER: list[sa.ColumnElement[int | str]] = [
    _rank(Assignment.__table__.c.state, ["in_progress", "assigned", "submitted"]),
    _rank(Assignment.__table__.c.round, [r.value for r in Round]),
    Assignment.__table__.c.blind_label,
    Assignment.__table__.c.id,
]
# Each seat's queue read in order (a page of it is an index range, however long it is); state
# is carried for the counts by state (index-only on PostgreSQL).
sa.Index(
    "ix_assignments_judge_queue",
    Assignment.__table__.c.judge_id,
    *QUEUE_ORDER,
    postgresql_include=["state"],
)


class Review(db.Model):
    """A judge's scores for one assignment; read-only once ``submitted_at`` is set."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assignments.id", ondelete="CASCADE"), unique=True
    )
    feedback_to_solver: Mapped[str] = mapped_column(sa.Text, default="")
    note_to_panel: Mapped[str] = mapped_column(sa.Text, default="")
    score_total: Mapped[float | None] = mapped_column(sa.Float)
    # Screening reviews carry a verdict (the reason goes in note_to_panel) instead of scores.
    verdict: Mapped[Verdict | None] = mapped_column(sa.String(8))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="review")
    scores: Mapped[list[ReviewScore]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewScore.criterion_id"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "score_total IS NULL OR (score_total >= 0 AND score_total <= 100)",
            name="score_total_range",
        ),
        sa.CheckConstraint(
            "submitted_at IS NULL OR score_total IS NOT NULL OR verdict IS NOT NULL",
            name="submitted_has_score",
        ),
        sa.CheckConstraint("verdict IS NULL OR verdict IN ('pass', 'fail')", name="verdict_valid"),
    )

    def score_map(self) -> dict[int, int | None]:
        return {row.criterion_id: row.value for row in self.scores}

    def comment_map(self) -> dict[int, str]:
        return {row.criterion_id: row.comment for row in self.scores}


class ReviewScore(db.Model):
    """One criterion's score (NULL only in a draft) and the judge's comment on it."""

    __tablename__ = "review_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("criteria.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[int | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    review: Mapped[Review] = relationship(back_populates="scores")

    __table_args__ = (
        sa.UniqueConstraint("review_id", "criterion_id"),
        sa.CheckConstraint(
            f"value IS NULL OR value BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name="value_range"
        ),
    )


class RoundEntry(db.Model):
    """An entry admitted to a round by the sponsor's "advance" (evaluation after screening,
    finalists after evaluation); the evaluation round without screening admits every entry."""

    __tablename__ = "round_entries"

    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    round: Mapped[Round] = mapped_column(sa.String(16), primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    seed: Mapped[int | None]  # the entry's place in the ranking that admitted it
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (enum_check("round", Round, "round_valid"),)

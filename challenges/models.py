"""Challenges, prize tiers, the rules change log, Q&A, updates, follows and deadline notices."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.background import Discipline
from accounts.models import Organization, User
from challenges.openness import (
    IpOnAward,
    JudgingTransparency,
    SolutionVisibility,
    SubmissionLicense,
)
from core.db import UTCDateTime, db, enum_check, utcnow
from core.money import CURRENCIES


class ReviewState(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"


class Phase(enum.StrEnum):
    DRAFT = "draft"
    UPCOMING = "upcoming"
    OPEN = "open"
    JUDGING = "judging"
    AWARDED = "awarded"
    CANCELLED = "cancelled"


CATEGORIES = [
    "Energy & climate",
    "Health & life sciences",
    "Data science & AI",
    "Engineering & robotics",
    "Civic & social",
    "Agriculture & food",
    "Space",
    "Other",
]

# What readers see for each stored category, in their language.
CATEGORY_LABELS = {
    "Energy & climate": _l("Energy & climate"),
    "Health & life sciences": _l("Health & life sciences"),
    "Data science & AI": _l("Data science & AI"),
    "Engineering & robotics": _l("Engineering & robotics"),
    "Civic & social": _l("Civic & social"),
    "Agriculture & food": _l("Agriculture & food"),
    "Space": _l("Space"),
    "Other": _l("Other"),
}
PHASE_LABELS = {
    Phase.DRAFT: _l("Draft"),
    Phase.UPCOMING: _l("Upcoming"),
    Phase.OPEN: _l("Open"),
    Phase.JUDGING: _l("Judging"),
    Phase.AWARDED: _l("Awarded"),
    Phase.CANCELLED: _l("Cancelled"),
}

# The words RulesChange.changed_fields stores (in English) and what a reader sees for each.
CHANGE_LABELS = {
    "rules": _l("rules"),
    "eligibility": _l("eligibility"),
    "opening time": _l("opening time"),
    "deadline": _l("deadline"),
    "end of judging": _l("end of judging"),
    "team size": _l("team size"),
    "prizes": _l("prizes"),
    # judging.panel.rubric's
    "judging criteria": _l("judging criteria"),
    "passing score": _l("passing score"),
    "blind review": _l("blind review"),
}


def changed_words(stored: str) -> str:
    """``rules, deadline`` in the reader's language; words another domain stored pass as is."""
    return ", ".join(str(CHANGE_LABELS.get(word, word)) for word in stored.split(", "))


# The declared discipline (accounts.background) a category belongs to: a solver who declared
# another one is an "outsider" to the challenge (judging.diversity).
CATEGORY_DISCIPLINES: dict[str, str] = {
    "Energy & climate": Discipline.PHYSICAL_SCIENCES,
    "Health & life sciences": Discipline.LIFE_SCIENCES,
    "Data science & AI": Discipline.COMPUTING,
    "Engineering & robotics": Discipline.ENGINEERING,
    "Civic & social": Discipline.SOCIAL_SCIENCES,
    "Agriculture & food": Discipline.LIFE_SCIENCES,
    "Space": Discipline.ENGINEERING,
    "Other": Discipline.OTHER,
}

_CURRENCY_LIST = ", ".join(f"'{code}'" for code in CURRENCIES)


class Challenge(db.Model):
    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    summary: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[str] = mapped_column(sa.String(40))
    tags: Mapped[str] = mapped_column(sa.String(300), default="")
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    rules_md: Mapped[str] = mapped_column(sa.Text, default="")
    eligibility_md: Mapped[str] = mapped_column(sa.Text, default="")
    currency: Mapped[str] = mapped_column(sa.String(3))
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    judging_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_team_size: Mapped[int] = mapped_column(default=1)
    community_voting: Mapped[bool] = mapped_column(default=False)
    solution_visibility: Mapped[SolutionVisibility] = mapped_column(sa.String(32))
    submission_license: Mapped[SubmissionLicense] = mapped_column(sa.String(32))
    ip_on_award: Mapped[IpOnAward] = mapped_column(sa.String(32))
    judging_transparency: Mapped[JudgingTransparency] = mapped_column(sa.String(32))
    purse_amount: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    funded_amount: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    entrant_count: Mapped[int] = mapped_column(default=0)
    rules_version: Mapped[int] = mapped_column(default=1)
    review_state: Mapped[ReviewState] = mapped_column(sa.String(20), default=ReviewState.DRAFT)
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_for_review_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    funded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship()
    prize_tiers: Mapped[list[PrizeTier]] = relationship(
        back_populates="challenge",
        order_by="PrizeTier.place",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        sa.CheckConstraint("opens_at < closes_at", name="opens_before_closes"),
        sa.CheckConstraint("closes_at < judging_ends_at", name="judging_after_close"),
        sa.CheckConstraint("max_team_size BETWEEN 1 AND 20", name="team_size_range"),
        sa.CheckConstraint("purse_amount >= 0", name="purse_not_negative"),
        sa.CheckConstraint("funded_amount >= 0", name="funded_not_negative"),
        sa.CheckConstraint("entrant_count >= 0", name="entrants_not_negative"),
        sa.CheckConstraint("rules_version >= 1", name="rules_version_positive"),
        sa.CheckConstraint(f"currency IN ({_CURRENCY_LIST})", name="currency_known"),
        enum_check("review_state", ReviewState, "review_state_valid"),
        enum_check("solution_visibility", SolutionVisibility, "visibility_valid"),
        enum_check("submission_license", SubmissionLicense, "license_valid"),
        enum_check("ip_on_award", IpOnAward, "ip_valid"),
        enum_check("judging_transparency", JudgingTransparency, "transparency_valid"),
        # Covers the public listing's filter and deadline order, so counts read only the index.
        sa.Index("ix_challenges_listing", "published_at", "cancelled_at", "closes_at"),
    )

    def phase(self, now: datetime | None = None) -> Phase:
        """The phase follows from timestamps and recorded events: no scheduler needed."""
        now = now or utcnow()
        if self.cancelled_at is not None:
            return Phase.CANCELLED
        if self.published_at is None:
            return Phase.DRAFT
        if self.awarded_at is not None:
            return Phase.AWARDED
        if now < self.opens_at:
            return Phase.UPCOMING
        if now < self.closes_at:
            return Phase.OPEN
        return Phase.JUDGING

    @property
    def funding_needed(self) -> int:
        """Minor units still to be paid in before the purse is fully held."""
        return max(self.purse_amount - self.funded_amount, 0)

    @property
    def deadline_passed(self) -> bool:
        return utcnow() >= self.closes_at

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    def __repr__(self) -> str:
        return f"<Challenge {self.slug}>"


class PrizeTier(db.Model):
    __tablename__ = "prize_tiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    place: Mapped[int]
    label: Mapped[str] = mapped_column(sa.String(80))
    amount: Mapped[int] = mapped_column(sa.BigInteger)

    challenge: Mapped[Challenge] = relationship(back_populates="prize_tiers")

    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "place"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("place >= 1", name="place_positive"),
    )


class RulesChange(db.Model):
    """One published change to rules, eligibility, deadlines or prizes (the visible change log)."""

    __tablename__ = "rules_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text)
    changed_fields: Mapped[str] = mapped_column(sa.String(200))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("challenge_id", "version"),)


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    asker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    asker: Mapped[User | None] = relationship(foreign_keys=[asker_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class ChallengeUpdate(db.Model):
    __tablename__ = "challenge_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User | None] = relationship()


class Follow(db.Model):
    __tablename__ = "follows"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    challenge_id: Mapped[int] = mapped_column(
        sa.ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeadlineNotice(db.Model):
    """Records that followers were told of a deadline, so each notice goes out once."""

    __tablename__ = "deadline_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(8))
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("challenge_id", "kind", "closes_at"),)

"""Submissions, immutable versions, attachments, teams and shares, lineage, reports."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from challenges.models import Challenge
from core.db import UTCDateTime, db, enum_check, utcnow


class SubmissionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    DISQUALIFIED = "disqualified"


class TeamRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class InviteStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


FULL_SHARE_BP = 10_000


class Submission(db.Model):
    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(160), default="")
    summary: Mapped[str] = mapped_column(sa.String(300), default="")
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    links: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[SubmissionStatus] = mapped_column(
        sa.String(16), default=SubmissionStatus.DRAFT, index=True
    )
    current_version: Mapped[int] = mapped_column(default=0)
    first_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_rules_version: Mapped[int] = mapped_column(default=1)
    terms_accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    eligibility_attested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disqualified_reason: Mapped[str] = mapped_column(sa.Text, default="")
    disqualified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    challenge: Mapped[Challenge] = relationship()
    owner: Mapped[User] = relationship()
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="submission", order_by="TeamMember.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        enum_check("status", SubmissionStatus, "status_valid"),
        sa.CheckConstraint("current_version >= 0", name="version_not_negative"),
        # One challenge's entries in the gallery's order: ?challenge= pages seek along it.
        sa.Index(
            "ix_submissions_challenge_gallery", "challenge_id", "status", "first_submitted_at", "id"
        ),
        # The gallery's order: newest submitted first, without sorting every public entry.
        sa.Index("ix_submissions_gallery", "status", "first_submitted_at", "id"),
        # One challenge's entries in submission order: the sponsor's entries page.
        sa.Index("ix_submissions_challenge_order", "challenge_id", "first_submitted_at", "id"),
    )

    @property
    def is_active(self) -> bool:
        return self.status in (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED)

    def member_ids(self) -> set[int]:
        return {member.user_id for member in self.members}

    def __repr__(self) -> str:
        return f"<Submission {self.id} {self.status}>"


class SubmissionVersion(db.Model):
    """An immutable snapshot; its hash covers the text and the attachments' hashes."""

    __tablename__ = "submission_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(160))
    summary: Mapped[str] = mapped_column(sa.String(300))
    body_md: Mapped[str] = mapped_column(sa.Text)
    links: Mapped[str] = mapped_column(sa.Text, default="")
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    rules_version: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attachments: Mapped[list[Attachment]] = relationship(
        secondary="version_attachments", order_by="Attachment.id"
    )
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("submission_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )


class Attachment(db.Model):
    """A file in storage under its content hash; listed on the working copy until removed."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(200))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.CheckConstraint("size >= 0", name="size_not_negative"),)


version_attachments = sa.Table(
    "version_attachments",
    db.metadata,
    sa.Column(
        "version_id",
        sa.ForeignKey("submission_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("attachment_id", sa.ForeignKey("attachments.id"), primary_key=True),
)


class TeamMember(db.Model):
    """An accepted member of an entry. One row per person per challenge, owner included."""

    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[TeamRole] = mapped_column(sa.String(16), default=TeamRole.MEMBER)
    share_bp: Mapped[int] = mapped_column(default=0)
    shares_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("challenge_id", "user_id"),
        sa.CheckConstraint(f"share_bp BETWEEN 0 AND {FULL_SHARE_BP}", name="share_range"),
        enum_check("role", TeamRole, "role_valid"),
    )


class TeamInvite(db.Model):
    __tablename__ = "team_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    status: Mapped[InviteStatus] = mapped_column(sa.String(16), default=InviteStatus.PENDING)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship()

    __table_args__ = (enum_check("status", InviteStatus, "status_valid"),)


class Lineage(db.Model):
    """``submission`` builds on ``builds_on`` (an earlier-submitted entry)."""

    __tablename__ = "lineage"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    builds_on_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(foreign_keys=[submission_id])
    builds_on: Mapped[Submission] = relationship(foreign_keys=[builds_on_id])

    __table_args__ = (
        sa.UniqueConstraint("submission_id", "builds_on_id"),
        sa.CheckConstraint("submission_id <> builds_on_id", name="not_self"),
    )


class Report(db.Model):
    __tablename__ = "submission_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reporter: Mapped[User | None] = relationship()

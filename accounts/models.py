"""Users, organizations, memberships and invitations."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship, synonym

from accounts.background import CareerStage, Discipline, OrgType, Region
from core.db import UTCDateTime, db, enum_check, utcnow


class OrgRole(enum.StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    MEMBER = "member"


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


# What a deleted account's name becomes when its owner asks to be shown as a former member: the
# stored value is always this English text; ``User.display_name`` shows it translated.
FORMER_MEMBER = "Former member"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    handle: Mapped[str] = mapped_column(sa.String(30), unique=True)
    # The name as stored; read ``display_name``, which says "Former member" in the reader's
    # language for a deleted account whose owner chose it (accounts.deletion).
    stored_name: Mapped[str] = mapped_column("display_name", sa.String(80))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_admin: Mapped[bool] = mapped_column(default=False)
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    website: Mapped[str] = mapped_column(sa.String(200), default="")
    # Empty means "the browser's zone" (sent by app.js in the tz cookie).
    timezone: Mapped[str] = mapped_column(sa.String(64), default="")
    # A code of core.i18n.LOCALES; None means "the browser's language" (e-mails: English).
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # Optional e-mail kinds (core.mail.OPTIONAL_KINDS) this person receives; essential mail
    # always goes.
    mail_updates: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    mail_qa: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    mail_reminders: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Notices not yet read (accounts.notices keeps it): the navigation shows it for free.
    unread_notices: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The version of the terms and privacy notice (accounts.terms) the person accepted, and
    # when; NULL for accounts made before acceptance was recorded.
    terms_version: Mapped[str | None] = mapped_column(sa.String(20))
    terms_accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A new address asked for on /account/email, not yet confirmed from its mailbox.
    pending_email: Mapped[str | None] = mapped_column(sa.String(254))
    # Self-declared background (accounts.background): None is "not answered".
    bg_region: Mapped[str | None] = mapped_column(sa.String(32))
    bg_discipline: Mapped[str | None] = mapped_column(sa.String(32))
    bg_career_stage: Mapped[str | None] = mapped_column(sa.String(32))
    bg_org_type: Mapped[str | None] = mapped_column(sa.String(32))
    # Set when the person deleted the account (accounts.deletion): the row stays, anonymised,
    # so entries, reviews, votes, payouts and the ledger keep pointing at it.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The person chose to be shown as "Former member" on what stays published.
    shown_as_former: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    memberships: WriteOnlyMapped[Membership] = relationship(
        back_populates="user", passive_deletes=True
    )

    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint("handle = lower(handle)", name="handle_lowercase"),
        sa.CheckConstraint("unread_notices >= 0", name="unread_notices_not_negative"),
        enum_check("bg_region", Region, name="bg_region_valid"),
        enum_check("bg_discipline", Discipline, name="bg_discipline_valid"),
        enum_check("bg_career_stage", CareerStage, name="bg_career_stage_valid"),
        enum_check("bg_org_type", OrgType, name="bg_org_type_valid"),
    )

    # The secret of the sign-in session this object was loaded for or signed in with
    # (accounts.sessions); not a column: the database keeps only its hash.
    session_token = None

    def _shown_name(self) -> str:
        if self.stored_name == FORMER_MEMBER:
            return str(lazy_gettext("Former member"))
        return self.stored_name

    def _store_name(self, value: str) -> None:
        self.stored_name = value

    display_name = synonym("stored_name", descriptor=property(_shown_name, _store_name))

    def get_id(self) -> str:
        # Flask-Login keeps this id in the session cookie and the remember cookie, so both
        # name a server-side session that signing out revokes.
        if not self.session_token:
            raise RuntimeError("Start a session (accounts.sessions) before login_user.")
        return self.session_token

    def __eq__(self, other: object) -> bool:
        # One account, whatever session it was loaded for (UserMixin compares get_id()).
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    __hash__ = object.__hash__

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.handle}>"


class UserSession(db.Model):
    """One signed-in browser. Its token is in the browser's cookies and only hashed here."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    website: Mapped[str] = mapped_column(sa.String(200), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: WriteOnlyMapped[Membership] = relationship(
        back_populates="organization", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"


class Membership(db.Model):
    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[OrgRole] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(back_populates="memberships")

    __table_args__ = (
        sa.UniqueConstraint("user_id", "org_id"),
        enum_check("role", OrgRole, "role_valid"),
    )


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[OrgRole] = mapped_column(sa.String(16))
    status: Mapped[InvitationStatus] = mapped_column(
        sa.String(16), default=InvitationStatus.PENDING
    )
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    __table_args__ = (
        enum_check("role", OrgRole, "role_valid"),
        enum_check("status", InvitationStatus, "status_valid"),
    )


class Notice(db.Model):
    """An in-site copy of a message the platform e-mailed to the account (core.mail)."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    subject: Mapped[str] = mapped_column(sa.Text)
    body: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str] = mapped_column(sa.String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        # The list walks (user, id) backwards; the unread count reads (user, read_at).
        sa.Index("ix_notices_user_id_id", "user_id", "id"),
        sa.Index("ix_notices_user_id_read_at", "user_id", "read_at"),
    )

"""Server-side sign-in sessions: a row per signed-in browser, so that signing out ends it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from accounts.models import User, UserSession
from core.db import db, utcnow

# How stale last_seen_at may get before a request refreshes it: one write per session per
# interval, not one per request.
SEEN_GRANULARITY = timedelta(minutes=10)


def _digest(token: str) -> str:
    # Tokens are 256 random bits: a fast hash suffices and a leaked table signs nobody in.
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    """Record a new session for ``user`` (commits) and return its secret token."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(token)))
    db.session.commit()
    user.session_token = token
    return token


def user_for_session(token: str) -> User | None:
    """The user of a live session, its last-seen time refreshed now and then; else ``None``."""
    row = db.session.execute(
        sa.select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.token_hash == _digest(token),
            UserSession.revoked_at.is_(None),
            User.deleted_at.is_(None),
        )
    ).first()
    if row is None:
        return None
    session, user = row
    now = utcnow()
    if now - session.last_seen_at > SEEN_GRANULARITY:
        session.last_seen_at = now
        db.session.commit()
    user.session_token = token
    return user


def end_session(*, actor: User) -> None:
    """Revoke the session ``actor`` signed in with: its cookies no longer sign anyone in."""
    if actor.session_token:
        _revoke(UserSession.token_hash == _digest(actor.session_token))
        db.session.commit()


def revoke_all_sessions(user: User) -> None:
    """Revoke every session of ``user`` (flushes; the caller commits)."""
    _revoke(UserSession.user_id == user.id)


def revoke_other_sessions(user: User) -> None:
    """Revoke every session of ``user`` except the one it is signed in with (flushes)."""
    which = UserSession.user_id == user.id
    if user.session_token:
        which = sa.and_(which, UserSession.token_hash != _digest(user.session_token))
    _revoke(which)


def _revoke(which: sa.ColumnElement[bool]) -> None:
    db.session.execute(
        sa.update(UserSession)
        .where(which, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )

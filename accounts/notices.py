"""In-site notices: every message the platform e-mails to an account is also kept on the
account's notifications page, read or unread, whatever the e-mail settings say."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from accounts.models import Notice, User
from core.db import db, utcnow
from core.text import normalize_email
from core.urls import external_url

PER_PAGE = 20
_FIRST_LINK = re.compile(r"https?://[^\s<>\"]+")


def record_notice(to: str, subject: str, body: str, kind: str) -> None:
    """For ``core.mail``: keep the message for the account at ``to`` (none: nothing kept),
    counting it unread in the same statement that finds the account."""
    user_id = db.session.scalar(
        sa.update(User)
        .where(User.email == normalize_email(to))
        .values(unread_notices=User.unread_notices + 1)
        .returning(User.id),
        execution_options={"synchronize_session": False},
    )
    if user_id is None:
        return
    db.session.add(
        Notice(user_id=user_id, kind=kind, subject=subject, body=body, link=_site_path(body))
    )


def _site_path(body: str) -> str:
    """The path of the message's first link into this site ("" if none), kept without its
    host: the same notice opens on whatever address the site is reached by, and a notice can
    never send anyone to another site."""
    root = external_url("challenges.home")  # the address the message's own links start with
    for found in _FIRST_LINK.finditer(body):
        link = found.group(0)
        if link.startswith(root):
            return "/" + link.removeprefix(root)[:1999]
    return ""


def notices_page(user: User, page: int) -> Pagination:
    query = sa.select(Notice).where(Notice.user_id == user.id).order_by(Notice.id.desc())
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        sa.update(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .values(read_at=utcnow())
    )
    user.unread_notices = 0
    db.session.commit()
    return result.rowcount or 0


def open_notice(user: User, notice_id: int) -> str | None:
    """Mark the user's notice read; its link if it points into this site, else None.
    Another account's notice is treated as missing (``None``, nothing changed)."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.user_id != user.id:
        return None
    if notice.read_at is None:
        notice.read_at = utcnow()
        db.session.execute(
            sa.update(User)
            .where(User.id == user.id, User.unread_notices > 0)
            .values(unread_notices=User.unread_notices - 1)
        )
        db.session.commit()
    return notice.link if notice.link.startswith("/") and not notice.link.startswith("//") else ""

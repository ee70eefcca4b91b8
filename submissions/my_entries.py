"""A person's own entries: the newest on the account page, all of them page by page."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import User
from challenges.models import Challenge
from core.db import db
from core.row_paging import RowPagination, page_of_rows
from submissions.models import Submission, TeamMember

ACCOUNT_ENTRIES = 10  # the account page shows this many, then links to the full list
PER_PAGE = 20


@dataclass(frozen=True)
class RecentEntries:
    """The newest entries with the person's role in each, and how many they have in all."""

    entries: list[tuple[Submission, str]]
    total: int


def _entries_of(user: User) -> sa.Select[tuple[Submission, str]]:
    return (
        sa.select(Submission, TeamMember.role)
        .join(TeamMember, TeamMember.submission_id == Submission.id)
        .where(TeamMember.user_id == user.id)
        .options(
            # The list shows the challenge's title only: not its long Markdown texts.
            joinedload(Submission.challenge).load_only(Challenge.id, Challenge.title),
            selectinload(Submission.members),
        )
        .order_by(Submission.created_at.desc(), Submission.id.desc())
    )


def recent_entries_of(user: User, limit: int = ACCOUNT_ENTRIES) -> RecentEntries:
    """The ``limit`` newest entries (owned or shared) and the count of all of them."""
    rows = db.session.execute(_entries_of(user).limit(limit)).all()
    total = len(rows)
    if total == limit:  # there may be more: count them
        counted = sa.select(sa.func.count()).where(TeamMember.user_id == user.id)
        total = db.session.scalar(counted) or 0
    return RecentEntries([(entry, str(role)) for entry, role in rows], total)


def entries_page(user: User, page: int, per_page: int = PER_PAGE) -> RowPagination:
    """Page ``page`` of every entry of ``user``, newest first, as (entry, role) rows."""
    return page_of_rows(_entries_of(user), page, per_page)

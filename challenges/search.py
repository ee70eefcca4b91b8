"""Browsing and full-text search of published challenges (SQLite FTS5 or PostgreSQL tsvector)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from accounts.models import Organization
from challenges.models import Challenge, Phase
from core.db import db, utcnow
from core.money import CURRENCIES

SORTS = {
    "closing": "Closing soon",
    "newest": "Newest",
    "purse": "Largest purse",
    "relevance": "Best match",
}
PUBLIC_PHASES = [Phase.UPCOMING, Phase.OPEN, Phase.JUDGING, Phase.AWARDED, Phase.CANCELLED]
_WORD = re.compile(r"\w+", re.UNICODE)
# The PostgreSQL expression matches the GIN index created in the migration, word for word.
PG_DOCUMENT = (
    "to_tsvector('english', coalesce(challenges.title, '') || ' ' || "
    "coalesce(challenges.summary, '') || ' ' || coalesce(challenges.description_md, '') || ' ' || "
    "coalesce(challenges.tags, ''))"
)


@dataclass
class BrowseFilters:
    q: str = ""
    phase: str = ""
    category: str = ""
    min_prize: int | None = None  # in major units of the challenge's currency
    visibility: str = ""
    org_id: int | None = None
    sort: str = "closing"


def _phase_condition(phase: str) -> sa.ColumnElement[bool]:
    now = utcnow()
    live = sa.and_(Challenge.cancelled_at.is_(None), Challenge.awarded_at.is_(None))
    return {
        Phase.UPCOMING: sa.and_(live, Challenge.opens_at > now),
        Phase.OPEN: sa.and_(live, Challenge.opens_at <= now, Challenge.closes_at > now),
        Phase.JUDGING: sa.and_(live, Challenge.closes_at <= now),
        Phase.AWARDED: sa.and_(Challenge.cancelled_at.is_(None), Challenge.awarded_at.is_not(None)),
        Phase.CANCELLED: Challenge.cancelled_at.is_not(None),
    }.get(phase, Challenge.cancelled_at.is_(None))


def _min_prize_condition(min_prize: int) -> sa.ColumnElement[bool]:
    by_exponent: dict[int, list[str]] = {}
    for code, (_, places) in CURRENCIES.items():
        by_exponent.setdefault(places, []).append(code)
    return sa.or_(
        *[
            sa.and_(Challenge.currency.in_(codes), Challenge.purse_amount >= min_prize * 10**places)
            for places, codes in by_exponent.items()
        ]
    )


def fts_query(text: str) -> str:
    """User text as a safe FTS5 query: every word must match, as a prefix."""
    words = _WORD.findall(text)[:12]
    return " ".join(f'"{word}"*' for word in words)


def _search(query: sa.Select, text: str, dialect: str) -> tuple[sa.Select, sa.ColumnElement | None]:
    if dialect == "postgresql":
        tsquery = sa.func.websearch_to_tsquery(sa.literal_column("'english'"), text)
        document = sa.literal_column(PG_DOCUMENT)
        query = query.where(document.op("@@")(tsquery))
        return query, sa.func.ts_rank(document, tsquery).desc()
    match = fts_query(text)
    if not match:
        return query.where(sa.false()), None
    fts = sa.table("challenges_fts", sa.column("rowid"), sa.column("rank"))
    query = query.join(fts, fts.c.rowid == Challenge.id).where(
        sa.literal_column("challenges_fts").op("MATCH")(match)
    )
    return query, fts.c.rank.asc()


def browse_query(filters: BrowseFilters) -> sa.Select:
    """Published challenges matching ``filters``, in a stable order (id breaks ties)."""
    query = (
        sa.select(Challenge)
        .where(Challenge.published_at.is_not(None), _phase_condition(filters.phase))
        .options(sa.orm.joinedload(Challenge.organization))
    )
    if filters.category:
        query = query.where(Challenge.category == filters.category)
    if filters.visibility:
        query = query.where(Challenge.solution_visibility == filters.visibility)
    if filters.org_id is not None:
        query = query.where(Challenge.org_id == filters.org_id)
    if filters.min_prize:
        query = query.where(_min_prize_condition(filters.min_prize))
    relevance = None
    if filters.q.strip():
        query, relevance = _search(query, filters.q.strip(), db.session.get_bind().dialect.name)
    if filters.sort == "relevance" and relevance is not None:
        order = [relevance]
    elif filters.sort == "newest":
        order = [Challenge.published_at.desc()]
    elif filters.sort == "purse":
        order = [Challenge.purse_amount.desc()]
    else:
        # Closing soon: still-open challenges by deadline first, then the rest by latest deadline.
        still_open = sa.case((Challenge.closes_at > utcnow(), 0), else_=1)
        order = [
            still_open,
            sa.case((Challenge.closes_at > utcnow(), Challenge.closes_at)),
            Challenge.closes_at.desc(),
        ]
    return query.order_by(*order, Challenge.id.desc())


def browse(filters: BrowseFilters, page: int, per_page: int) -> Pagination:
    return db.paginate(
        browse_query(filters), page=page, per_page=per_page, error_out=False, count=True
    )


def organization_challenges(org: Organization, limit: int = 50) -> list[Challenge]:
    return list(
        db.session.scalars(browse_query(BrowseFilters(org_id=org.id, sort="newest")).limit(limit))
    )

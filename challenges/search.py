"""Browsing and full-text search of published challenges (SQLite FTS5 or PostgreSQL tsvector).

The search structures (migrations d72cacec9d0f) index title, summary, problem, tags and the
sponsor's name, kept current by database triggers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from accounts.models import Organization
from challenges.models import Challenge, Phase
from core.db import db, utcnow
from core.money import CURRENCIES
from core.paging import CappedPagination

SORTS = {
    "relevance": _l("Best match (closing soon without a search)"),
    "closing": _l("Closing soon"),
    "newest": _l("Newest"),
    "purse": _l("Largest purse"),
}
# The largest min_prize filter (major units): above any purse, and times 10**places it stays
# far inside a 64-bit integer.
MAX_MIN_PRIZE = 10**11 - 1
# Lists show cards: the long Markdown texts stay in the database (a few KB per row otherwise).
CARD_ONLY = (
    sa.orm.defer(Challenge.description_md),
    sa.orm.defer(Challenge.rules_md),
    sa.orm.defer(Challenge.eligibility_md),
    sa.orm.defer(Challenge.review_comment),
)
PUBLIC_PHASES = [Phase.UPCOMING, Phase.OPEN, Phase.JUDGING, Phase.AWARDED, Phase.CANCELLED]
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class BrowseFilters:
    q: str = ""
    phase: str = ""
    category: str = ""
    min_prize: int | None = None  # in major units of the challenge's currency
    visibility: str = ""
    org_id: int | None = None
    sort: str = "closing"
    tag: str = ""  # one tag as normalize_tags writes it: lower case, single spaces


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


def _tag_condition(tag: str) -> sa.ColumnElement[bool]:
    """Challenges whose comma-separated tags include ``tag`` exactly (not as a part)."""
    escaped = tag.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    listed = sa.literal(",").concat(Challenge.tags).concat(",")
    return listed.like(f"%,{escaped},%", escape="\\")


def fts_query(text: str) -> str:
    """User text as a safe FTS5 query: every word must match, as a prefix."""
    words = _WORD.findall(text)[:12]
    return " ".join(f'"{word}"*' for word in words)


def _search(query: sa.Select, text: str, dialect: str) -> tuple[sa.Select, sa.ColumnElement | None]:
    if dialect == "postgresql":
        tsquery = sa.func.websearch_to_tsquery(sa.literal_column("'english'"), text)
        document = sa.literal_column("challenges.search_vector")  # stored, GIN-indexed
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


def _filtered(filters: BrowseFilters) -> tuple[sa.Select, sa.ColumnElement | None]:
    """Published challenges matching ``filters``, unordered, and the relevance order if any."""
    query = (
        sa.select(Challenge)
        .where(Challenge.published_at.is_not(None), _phase_condition(filters.phase))
        .options(sa.orm.joinedload(Challenge.organization), *CARD_ONLY)
    )
    if filters.category:
        query = query.where(Challenge.category == filters.category)
    if filters.visibility:
        query = query.where(Challenge.solution_visibility == filters.visibility)
    if filters.org_id is not None:
        query = query.where(Challenge.org_id == filters.org_id)
    if filters.min_prize:
        query = query.where(_min_prize_condition(filters.min_prize))
    if filters.tag:
        query = query.where(_tag_condition(filters.tag))
    if filters.q.strip():
        return _search(query, filters.q.strip(), db.session.get_bind().dialect.name)
    return query, None


def _closing_split(filters: BrowseFilters) -> bool:
    """ "Closing soon" over open and closed challenges together is served as two index scans."""
    return filters.phase == "" and not (filters.sort == "relevance" and filters.q.strip())


def browse_query(filters: BrowseFilters) -> sa.Select:
    """Matching challenges in a stable order (id breaks ties), for lists with a small limit."""
    query, relevance = _filtered(filters)
    if filters.sort == "relevance" and relevance is not None:
        order = [relevance]
    elif filters.sort == "newest":
        order = [Challenge.published_at.desc()]
    elif filters.sort == "purse":
        order = [Challenge.purse_amount.desc()]
    elif filters.phase in (Phase.UPCOMING, Phase.OPEN):
        order = [Challenge.closes_at.asc()]
    elif filters.phase:
        order = [Challenge.closes_at.desc()]
    else:
        now = utcnow()
        still_open = Challenge.closes_at > now
        order = [
            sa.case((still_open, 0), else_=1),
            sa.case((still_open, Challenge.closes_at)),
            Challenge.closes_at.desc(),
        ]
    return query.order_by(*order, Challenge.id.desc())


def count_at_most(query: sa.Select, limit: int | None) -> sa.ScalarSelect[int]:
    """The number of rows ``query`` matches, counting no further than ``limit`` (None: all)."""
    ids = query.with_only_columns(Challenge.id).order_by(None)
    if limit is not None:
        ids = ids.limit(limit)
    return sa.select(sa.func.count()).select_from(ids.subquery()).scalar_subquery()


class BrowsePagination(CappedPagination):
    """Matching challenges in the order ``browse_query`` gives."""

    def _fetch(self, offset: int, limit: int) -> list[Challenge]:
        query: sa.Select = self._query_args["ordered"]
        return list(db.session.scalars(query.offset(offset).limit(limit)).unique())

    def _count(self, limit: int | None) -> int:
        return db.session.scalar(sa.select(count_at_most(self._query_args["query"], limit))) or 0


class ClosingSoonPagination(BrowsePagination):
    """Still-open challenges by nearest deadline, then closed ones by latest deadline.

    Each part is an index-ordered query; counting the open ones (no further than the page
    needs) tells where the first part ends.
    """

    def _fetch(self, offset: int, limit: int) -> list[Challenge]:
        query: sa.Select = self._query_args["query"]
        still_open = Challenge.closes_at > self._query_args["now"]
        open_count = db.session.scalar(
            sa.select(count_at_most(query.where(still_open), offset + limit))
        )
        items: list[Challenge] = []
        if offset < open_count:
            items = list(
                db.session.scalars(
                    query.where(still_open)
                    .order_by(Challenge.closes_at.asc(), Challenge.id.desc())
                    .offset(offset)
                    .limit(limit)
                ).unique()
            )
        if len(items) < limit:
            items += db.session.scalars(
                query.where(~still_open)
                .order_by(Challenge.closes_at.desc(), Challenge.id.desc())
                .offset(max(offset - open_count, 0))
                .limit(limit - len(items))
            ).unique()
        return items


def browse(filters: BrowseFilters, page: int, per_page: int) -> CappedPagination:
    """One page of matching challenges; the count stops past 1,000 (see ``CappedPagination``)."""
    query, _ = _filtered(filters)
    if _closing_split(filters) and filters.sort in ("closing", "relevance"):
        return ClosingSoonPagination(
            page=page, per_page=per_page, error_out=False, query=query, now=utcnow()
        )
    return BrowsePagination(
        page=page,
        per_page=per_page,
        error_out=False,
        query=query,
        ordered=browse_query(filters),
    )


def organization_challenges(org: Organization, limit: int = 50) -> list[Challenge]:
    return list(
        db.session.scalars(browse_query(BrowseFilters(org_id=org.id, sort="newest")).limit(limit))
    )

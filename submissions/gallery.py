"""Queries for lists of entries: the /solutions gallery, profiles and the sponsor dashboard.

Every list goes through ``visible_condition``: what a viewer may see is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, load_only

from accounts.models import Membership, User
from accounts.policies import is_admin, is_signed_in
from challenges.models import Challenge
from challenges.openness import SubmissionLicense
from core.db import UTCDateTime, db
from core.keyset import Cursor, Seek
from core.row_paging import RowPagination, page_of_rows
from submissions.models import Submission, SubmissionStatus, SubmissionVersion, TeamMember
from submissions.visibility import authors_hidden_condition, visible_condition

MAX_QUERY = 200


@dataclass
class GalleryFilters:
    challenge: str = ""  # slug
    challenge_id: int | None = None  # the slug's challenge, when the caller looked it up
    license: str = ""
    q: str = ""


@dataclass(frozen=True)
class Card:
    """One entry as a list shows it; ``team_size`` and ``authors_hidden`` (blind review: no
    names for this viewer) come from the same query as the entry."""

    submission: Submission
    team_size: int
    authors_hidden: bool = False


def clean_filters(args: Any) -> GalleryFilters:
    """Filters from query arguments; unknown values are dropped, as on /challenges."""
    license_ = args.get("license", "")
    return GalleryFilters(
        challenge=args.get("challenge", "").strip()[:80],
        license=license_ if license_ in set(SubmissionLicense) else "",
        q=args.get("q", "").strip()[:MAX_QUERY],
    )


def like_pattern(text: str) -> str:
    """``text`` as a LIKE pattern that matches it literally anywhere (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _team_size() -> sa.ScalarSelect[int]:
    return (
        sa.select(sa.func.count(TeamMember.id))
        .where(TeamMember.submission_id == Submission.id)
        .correlate(Submission)
        .scalar_subquery()
    )


def _named_condition(viewer: User | None) -> sa.ColumnElement[bool]:
    """Entries a list may show with their authors' names: public ones, the viewer's own, the
    viewer's organizations' and (for admins) all. Entries readable only through a registered
    rule, such as a blind judge's assignments, stay on the pages of the domain that added the
    rule, which know how to hide names. This only narrows ``visible_condition``."""
    if is_admin(viewer):
        return sa.true()
    public = visible_condition(None)
    if not is_signed_in(viewer):
        return public
    own = Submission.id.in_(
        sa.select(TeamMember.submission_id).where(TeamMember.user_id == viewer.id)
    )
    sponsor = Challenge.org_id.in_(
        sa.select(Membership.org_id).where(Membership.user_id == viewer.id)
    )
    return sa.or_(public, own, sponsor)


def _conditions(viewer: User | None, filters: GalleryFilters) -> list[sa.ColumnElement[bool]]:
    conditions = [
        Submission.status == SubmissionStatus.SUBMITTED,
        Submission.first_submitted_at.is_not(None),  # set on submitting; the paging key
        visible_condition(viewer),
    ]
    if is_signed_in(viewer):  # for the public, the names condition is the visible one again
        conditions.append(_named_condition(viewer))
    if filters.challenge_id is not None:
        # By id, so the planner walks that challenge's entries in order (a slug hides how many).
        conditions.append(Submission.challenge_id == filters.challenge_id)
    elif filters.challenge:
        conditions.append(Challenge.slug == filters.challenge)
    if filters.license:
        conditions.append(Challenge.submission_license == filters.license)
    if filters.q:
        # A LIKE scan over title and summary: acceptable while entries number in the thousands.
        # Move to full-text search (as challenges/search.py does) when the gallery grows.
        pattern = like_pattern(filters.q)
        conditions.append(
            sa.or_(
                Submission.title.ilike(pattern, escape="\\"),
                Submission.summary.ilike(pattern, escape="\\"),
            )
        )
    return conditions


_CARD_COLUMNS = (
    load_only(
        Submission.id,
        Submission.challenge_id,
        Submission.owner_id,
        Submission.title,
        Submission.summary,
        Submission.status,
        Submission.current_version,
        Submission.first_submitted_at,
    ),
    contains_eager(Submission.challenge).load_only(
        Challenge.id,
        Challenge.slug,
        Challenge.title,
        Challenge.submission_license,
        Challenge.solution_visibility,
        Challenge.published_at,
        Challenge.awarded_at,
    ),
    joinedload(Submission.owner).load_only(User.id, User.handle, User.stored_name),
)


def card_query(viewer: User | None, *conditions: sa.ColumnElement[bool]) -> sa.Select:
    """Entries with their team size, whether ``viewer`` may see their authors, challenge and
    owner (only the columns a card shows: no bodies or descriptions), all in one query."""
    hidden = sa.case((authors_hidden_condition(viewer), True), else_=False)
    return (
        sa.select(Submission, _team_size().label("team_size"), hidden.label("authors_hidden"))
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(*conditions)
        .options(*_CARD_COLUMNS)
        .order_by(Submission.first_submitted_at.desc(), Submission.id.desc())
    )


COUNT_CAP = 100


@dataclass(frozen=True)
class GalleryPage:
    """One page of the gallery: its cards, the (capped) number of matching entries and the
    cursors of the Newer and Older links (None when there is nothing that way)."""

    cards: list[Card]
    total: int
    newer: Cursor | None
    older: Cursor | None


def _cursor_of(card: Card) -> Cursor:
    at = card.submission.first_submitted_at
    assert at is not None  # the gallery lists submitted entries only
    return Cursor(at, card.submission.id)


def _seek_rows(
    viewer: User | None, conditions: list[sa.ColumnElement[bool]], seek: Seek, limit: int
) -> list[Card]:
    """Up to ``limit`` cards from where ``seek`` starts, walking the gallery's order (an index
    range whatever the depth) and returned newest first."""
    key = sa.tuple_(Submission.first_submitted_at, Submission.id)
    query = card_query(viewer, *conditions).limit(limit)
    if seek.cursor is not None:
        at = sa.literal(seek.cursor.at, UTCDateTime())
        mark = sa.tuple_(at, sa.literal(seek.cursor.id, sa.Integer()))
        query = query.where(key < mark if seek.older else key > mark)
    if not seek.older:
        query = query.order_by(None).order_by(
            Submission.first_submitted_at.asc(), Submission.id.asc()
        )
    cards = [Card(*row) for row in db.session.execute(query).all()]
    return cards if seek.older else cards[::-1]


def capped_count(conditions: list[sa.ColumnElement[bool]]) -> int:
    """How many entries match, counting no further than COUNT_CAP + 1: counting every public
    entry would cost a scan of all of them; past the cap the page says "more than"."""
    capped = (
        sa.select(Submission.id)
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(*conditions)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    return db.session.scalar(sa.select(sa.func.count()).select_from(capped)) or 0


def gallery(viewer: User | None, filters: GalleryFilters, seek: Seek, per_page: int) -> GalleryPage:
    """The /solutions page: submitted entries the viewer may see, newest first, ``per_page``
    from where ``seek`` starts. One more row than shown tells whether the list goes on."""
    conditions = _conditions(viewer, filters)
    cards = _seek_rows(viewer, conditions, seek, per_page + 1)
    if not cards and seek.cursor is not None:  # nothing left that way: the newest instead
        seek = Seek()
        cards = _seek_rows(viewer, conditions, seek, per_page + 1)
    more = len(cards) > per_page
    if seek.older:
        cards = cards[:per_page]
        newer_exists, older_exists = seek.cursor is not None, more
    else:
        cards = cards[-per_page:]
        newer_exists, older_exists = more, True
    return GalleryPage(
        cards,
        capped_count(conditions),
        newer=_cursor_of(cards[0]) if cards and newer_exists else None,
        older=_cursor_of(cards[-1]) if cards and older_exists else None,
    )


@dataclass(frozen=True)
class ChallengeChoices:
    """The challenge filter's options, (slug, title) by title, and the id of the chosen one
    (None when no published challenge has that slug)."""

    options: list[tuple[str, str]]
    chosen_id: int | None


CHOICES = 60  # challenges in the filter: the most recently published with readable entries


def challenge_choices(viewer: User | None, selected: str = "") -> ChallengeChoices:
    """The most recently published challenges with an entry the viewer may see, and the
    ``selected`` one if published. Walking challenges newest first (an index) and stopping at
    ``CHOICES`` costs the same however many there are; older challenges are reached from their
    own page or by slug."""
    has_entry = (
        sa.exists()
        .where(Submission.challenge_id == Challenge.id, *_conditions(viewer, GalleryFilters()))
        .correlate(Challenge)
    )
    recent = (
        sa.select(Challenge.id)
        .where(Challenge.published_at.is_not(None), has_entry)
        .order_by(Challenge.published_at.desc(), Challenge.id.desc())
        .limit(CHOICES)
    )
    ids = recent.subquery().select()
    if selected:
        chosen = sa.select(Challenge.id).where(
            Challenge.slug == selected, Challenge.published_at.is_not(None)
        )
        ids = sa.union(ids, chosen)  # type: ignore[assignment]
    rows = db.session.execute(
        sa.select(Challenge.id, Challenge.slug, Challenge.title)
        .where(Challenge.id.in_(ids))
        .order_by(Challenge.title, Challenge.id)
    ).all()
    chosen_id = next((id_ for id_, slug, _ in rows if selected and slug == selected), None)
    return ChallengeChoices([(slug, title) for _, slug, title in rows], chosen_id)


def entries_of_user(user: User, viewer: User | None, limit: int = 50) -> list[Card]:
    """``user``'s submitted entries (as owner or teammate) that ``viewer`` may see, except those
    whose authors blind review hides from ``viewer``: a profile listing them would name them."""
    member_of = sa.select(TeamMember.submission_id).where(TeamMember.user_id == user.id)
    conditions = [
        *_conditions(viewer, GalleryFilters()),
        Submission.id.in_(member_of),
        sa.not_(authors_hidden_condition(viewer)),
    ]
    rows = db.session.execute(card_query(viewer, *conditions).limit(limit)).all()
    return [Card(*row) for row in rows]


MANAGE_PER_PAGE = 50


@dataclass(frozen=True)
class ManagedPage:
    """A page of a challenge's non-draft entries for its sponsor, oldest first."""

    entries: RowPagination  # rows of (Submission,)
    team_sizes: dict[int, int]
    drafts: int

    @property
    def submissions(self) -> list[Submission]:
        return [submission for (submission,) in self.entries.items]


def dashboard_rows(challenge: Challenge, page: int) -> ManagedPage:
    """A page of the challenge's non-draft entries with their team sizes (counted for the
    page's entries only: a count beside every row would run for the rows OFFSET skips too),
    and the number of drafts."""
    entries = page_of_rows(
        sa.select(Submission)
        .where(
            Submission.challenge_id == challenge.id,
            Submission.status != SubmissionStatus.DRAFT,
        )
        .order_by(Submission.first_submitted_at.asc(), Submission.id.asc()),
        page,
        MANAGE_PER_PAGE,
    )
    ids = [submission.id for (submission,) in entries.items]
    team_sizes = dict(
        db.session.execute(
            sa.select(TeamMember.submission_id, sa.func.count())
            .where(TeamMember.submission_id.in_(ids))
            .group_by(TeamMember.submission_id)
        ).all()
    )
    drafts = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Submission)
        .where(
            Submission.challenge_id == challenge.id,
            Submission.status == SubmissionStatus.DRAFT,
        )
    )
    return ManagedPage(entries, team_sizes, drafts or 0)


def latest_versions(
    submission_ids: list[int], *, with_attachments: bool = False
) -> dict[int, SubmissionVersion]:
    """The current version of each entry, in one query (two with their attachments)."""
    if not submission_ids:
        return {}
    query = (
        sa.select(SubmissionVersion)
        .join(Submission, Submission.id == SubmissionVersion.submission_id)
        .where(
            SubmissionVersion.submission_id.in_(submission_ids),
            SubmissionVersion.number == Submission.current_version,
        )
    )
    if with_attachments:
        query = query.options(sa.orm.selectinload(SubmissionVersion.attachments))
    versions = db.session.scalars(query)
    return {version.submission_id: version for version in versions}

"""Queries for lists of entries: the /solutions gallery, profiles and the sponsor dashboard.

Every list goes through ``visible_condition``: what a viewer may see is decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import contains_eager, joinedload

from accounts.models import Membership, User
from accounts.policies import is_admin, is_signed_in
from challenges.models import Challenge
from challenges.openness import SubmissionLicense
from core.db import db
from core.row_paging import RowPagination, page_of_rows
from submissions.models import Submission, SubmissionStatus, SubmissionVersion, TeamMember
from submissions.visibility import authors_hidden_condition, visible_condition

MAX_QUERY = 200


@dataclass
class GalleryFilters:
    challenge: str = ""  # slug
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
        visible_condition(viewer),
        _named_condition(viewer),
    ]
    if filters.challenge:
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


def card_query(viewer: User | None, *conditions: sa.ColumnElement[bool]) -> sa.Select:
    """Entries with their team size, whether ``viewer`` may see their authors, challenge and
    owner, all in one query."""
    hidden = sa.case((authors_hidden_condition(viewer), True), else_=False)
    return (
        sa.select(Submission, _team_size().label("team_size"), hidden.label("authors_hidden"))
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(*conditions)
        .options(contains_eager(Submission.challenge), joinedload(Submission.owner))
        .order_by(Submission.first_submitted_at.desc(), Submission.id.desc())
    )


COUNT_CAP = 1000


class CardPagination(Pagination):
    """Offset pagination of ``Card`` rows: one count query and one page query."""

    def _query_items(self) -> list[Card]:
        query = card_query(self._query_args["viewer"], *self._query_args["conditions"])
        rows = db.session.execute(query.offset(self._query_offset).limit(self.per_page)).all()
        return [Card(*row) for row in rows]

    def _query_count(self) -> int:
        # Counting every public entry costs a scan of all of them; past COUNT_CAP the page says
        # "more than" and offers the filters instead (pages stop at the cap).
        capped = (
            sa.select(Submission.id)
            .join(Challenge, Challenge.id == Submission.challenge_id)
            .where(*self._query_args["conditions"])
            .limit(COUNT_CAP + 1)
            .subquery()
        )
        return db.session.scalar(sa.select(sa.func.count()).select_from(capped)) or 0


def gallery(
    viewer: User | None, filters: GalleryFilters, page: int, per_page: int
) -> CardPagination:
    """The /solutions page: submitted entries the viewer may see, newest first."""
    return CardPagination(
        page=page,
        per_page=per_page,
        error_out=False,
        viewer=viewer,
        conditions=_conditions(viewer, filters),
    )


def challenge_choices(viewer: User | None, limit: int = 200) -> list[tuple[str, str]]:
    """(slug, title) of challenges with at least one entry the viewer may see, for the filter."""
    # EXISTS per challenge (served by ix_submissions_public) instead of grouping every entry.
    has_entry = (
        sa.exists()
        .where(Submission.challenge_id == Challenge.id, *_conditions(viewer, GalleryFilters()))
        .correlate(Challenge)
    )
    rows = db.session.execute(
        sa.select(Challenge.slug, Challenge.title)
        .where(Challenge.published_at.is_not(None), has_entry)
        .order_by(Challenge.title, Challenge.id)
        .limit(limit)
    ).all()
    return [(slug, title) for slug, title in rows]


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

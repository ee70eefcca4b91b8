"""Pages the benchmark loads: add one line to PAGES to measure a new page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from accounts.models import Membership, OrgRole, User
from bench.seed import SEARCH_WORD
from bench.seed_judging import JUDGED_SLUG
from challenges.models import Challenge, PrizeTier
from core.db import utcnow
from core.keyset import Cursor, Seek
from judging.models import Judge, JudgeStatus
from submissions.gallery import GalleryFilters, gallery
from submissions.models import Submission, TeamMember
from submissions.visibility import visible_condition

# A path is fixed, or computed from the seeded database (e.g. the slug of a busy challenge).
PathSource = str | Callable[[Session], str]
# The e-mail of the seeded user a signed-in page is loaded as.
Account = Callable[[Session], str]

HELLO = "hello"


@dataclass(frozen=True)
class Page:
    """A page to load; ``signed_in_as`` names the user it is loaded as (None: signed out), and
    ``list_page`` marks the lists whose ratio must hold as the data grows (see goals.py)."""

    name: str
    path: PathSource
    signed_in_as: Account | None = None
    list_page: bool = False

    def resolve(self, session: Session) -> str:
        path = self.path if isinstance(self.path, str) else self.path(session)
        if not path.startswith("/"):
            raise ValueError(f"page {self.name!r}: path {path!r} must start with '/'")
        return path

    def account(self, session: Session) -> str | None:
        """The e-mail to sign in with, or None for a signed-out page."""
        return None if self.signed_in_as is None else self.signed_in_as(session)


def open_challenge_path(session: Session) -> str:
    """The page of an open challenge with three prizes, the kind entrants read most."""
    now = utcnow()
    three_prizes = (
        sa.select(PrizeTier.challenge_id)
        .group_by(PrizeTier.challenge_id)
        .having(sa.func.count() == 3)
    )
    slug = session.scalar(
        sa.select(Challenge.slug)
        .where(
            Challenge.id.in_(three_prizes),
            Challenge.published_at.is_not(None),
            Challenge.cancelled_at.is_(None),
            Challenge.opens_at <= now,
            Challenge.closes_at > now,
        )
        .order_by(Challenge.id)
        .limit(1)
    )
    if slug is None:
        raise ValueError("no open challenge with three prizes was seeded: seed more challenges")
    return f"/challenges/{slug}"


def public_submission_path(session: Session) -> str:
    """The page of an entry anyone may read: the newest of a public-on-submit challenge."""
    submission_id = session.scalar(
        sa.select(Submission.id)
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(visible_condition(None))
        .order_by(Submission.first_submitted_at.desc(), Submission.id.desc())
        .limit(1)
    )
    if submission_id is None:
        raise ValueError("no publicly visible entry was seeded: seed more submissions")
    return f"/submissions/{submission_id}"


DEEP_PAGE = 50  # the gallery page ``solutions_deep`` loads


def deep_gallery_path(session: Session, page: int = DEEP_PAGE) -> str:
    """Page ``page`` of the public gallery as a reader reaches it: the Older link of page
    ``page - 1``, found by following Older from the first page (the app's own queries and
    cursors; ``session`` is the app's, so this runs in its context). A numbered link would only
    redirect to the first page."""
    per_page = current_app.config["PER_PAGE"]
    cursor: Cursor | None = None
    for number in range(1, page):
        seek = Seek() if cursor is None else Seek(cursor)
        cursor = gallery(None, GalleryFilters(), seek, per_page).older
        if cursor is None:
            raise ValueError(f"the public gallery ends on page {number}: seed more submissions")
    if cursor is None:
        raise ValueError(f"page {page}: the first page has no cursor, ask for page 2 or later")
    return f"/solutions?before={cursor.token}"


def _one(session: Session, query: sa.Select[tuple[str]], what: str) -> str:
    value = session.scalar(query.limit(1))
    if value is None:
        raise ValueError(f"no {what} was seeded: seed more data")
    return value


def busiest_solver(session: Session) -> str:
    """The user with the most team memberships (entries they own or share), for /account."""
    busiest = (
        sa.select(TeamMember.user_id)
        .group_by(TeamMember.user_id)
        .order_by(sa.func.count().desc(), TeamMember.user_id)
        .limit(1)
        .scalar_subquery()
    )
    return _one(session, sa.select(User.email).where(User.id == busiest), "solver with entries")


def _judged_challenge_user(
    session: Session,
    seat: type[Membership] | type[Judge],
    on: sa.ColumnElement[bool],
    condition: sa.ColumnElement[bool],
    what: str,
) -> str:
    """The e-mail of the first user holding ``seat`` (``on`` the judged challenge)."""
    return _one(
        session,
        sa.select(User.email)
        .join(seat, seat.user_id == User.id)
        .join(Challenge, on)
        .where(Challenge.slug == JUDGED_SLUG, condition)
        .order_by(seat.id),
        what,
    )


def judged_owner(session: Session) -> str:
    """An owner of the organization running the judged challenge (its sponsor dashboard)."""
    on, owner = Challenge.org_id == Membership.org_id, Membership.role == OrgRole.OWNER.value
    return _judged_challenge_user(session, Membership, on, owner, "owner of the judged challenge")


def judged_judge(session: Session) -> str:
    """A judge with an accepted seat on the judged challenge (their /judging list)."""
    on, accepted = Challenge.id == Judge.challenge_id, Judge.status == JudgeStatus.ACCEPTED.value
    return _judged_challenge_user(session, Judge, on, accepted, "judge of the judged challenge")


PAGES: list[Page] = [
    Page("home", "/"),
    Page("login", "/login"),
    Page("healthz", "/healthz"),
    Page("challenges", "/challenges", list_page=True),
    Page("challenges_search", f"/challenges?q={SEARCH_WORD}", list_page=True),
    Page("challenge", open_challenge_path),
    Page("solutions", "/solutions", list_page=True),
    # Page 50 of the gallery by its cursor, as Older links reach it.
    Page("solutions_deep", deep_gallery_path, list_page=True),
    Page("submission", public_submission_path),
    # The judged challenge publishes every score: 10k ranked rows, 50 per page.
    Page("results", f"/challenges/{JUDGED_SLUG}/results", list_page=True),
    Page("results_deep", f"/challenges/{JUDGED_SLUG}/results?page=150"),
    Page("winners", "/winners", list_page=True),
    Page("api_challenges", "/api/v1/challenges", list_page=True),
    Page("api_results", f"/api/v1/challenges/{JUDGED_SLUG}/results"),
    Page("account", "/account", signed_in_as=busiest_solver),
    Page("dashboard", f"/challenges/{JUDGED_SLUG}/judging", signed_in_as=judged_owner),
    Page("judge", "/judging", signed_in_as=judged_judge),
]


def select_pages(names: Sequence[str] | None) -> list[Page]:
    """The pages named (in that order), or all of them when ``names`` is empty."""
    if not names:
        return list(PAGES)
    by_name = {page.name: page for page in PAGES}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        known = ", ".join(by_name)
        raise ValueError(f"unknown page(s) {', '.join(unknown)}; known pages: {known}")
    return [by_name[name] for name in dict.fromkeys(names)]

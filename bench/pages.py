"""Pages the benchmark loads: add one line to PAGES to measure a new page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bench.seed import SEARCH_WORD
from bench.seed_judging import JUDGED_SLUG
from challenges.models import Challenge, PrizeTier
from core.db import utcnow
from submissions.models import Submission
from submissions.visibility import visible_condition

# A path is fixed, or computed from the seeded database (e.g. the slug of a busy challenge).
PathSource = str | Callable[[Session], str]

HELLO = "hello"


@dataclass(frozen=True)
class Page:
    name: str
    path: PathSource

    def resolve(self, session: Session) -> str:
        path = self.path if isinstance(self.path, str) else self.path(session)
        if not path.startswith("/"):
            raise ValueError(f"page {self.name!r}: path {path!r} must start with '/'")
        return path


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


PAGES: list[Page] = [
    Page("home", "/"),
    Page("login", "/login"),
    Page("healthz", "/healthz"),
    Page("challenges", "/challenges"),
    Page("challenges_search", f"/challenges?q={SEARCH_WORD}"),
    Page("challenge", open_challenge_path),
    Page("solutions", "/solutions"),
    Page("submission", public_submission_path),
    # The judged challenge publishes every score: 10k ranked rows, 50 per page.
    Page("results", f"/challenges/{JUDGED_SLUG}/results"),
    Page("results_deep", f"/challenges/{JUDGED_SLUG}/results?page=150"),
    Page("winners", "/winners"),
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

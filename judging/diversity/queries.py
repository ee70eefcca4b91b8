"""Aggregate counts of self-declared backgrounds: a fixed number of GROUP BY queries.

A *participation* is one person on one entry (a team_members row; one per person per
challenge). Populations: entrants (every entry, drafts included), submitted (entries submitted
and not withdrawn or disqualified), finalists (entries admitted to the finalist round) and
winners (entries given an Award). Platform-wide numbers add up participations over challenges.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from accounts import background
from accounts.models import User
from challenges.models import CATEGORY_DISCIPLINES, Challenge
from core.db import db
from judging.models import Round, RoundEntry
from judging.results.models import Award
from submissions.models import Submission, SubmissionStatus, TeamMember

POPULATIONS = ("entrants", "submitted", "finalists", "winners")
POPULATION_LABELS = {
    "entrants": _l("Entrants"),
    "submitted": _l("Submitted entries"),
    "finalists": _l("Finalists"),
    "winners": _l("Winners"),
}
# Group labels: lazy, so a page, the CSV and the API read them in the viewer's language.
OUTSIDER = _l("Outside the challenge's discipline")
INSIDER = _l("Within the challenge's discipline")
UNDECLARED = _l("Discipline not declared")
FIRST_TIME = _l("First entry on the platform")
RETURNING = _l("Entered before")
TEAM = _l("Team entries")
SOLO = _l("Solo entries")

Counts = dict[str, int]


@dataclass
class Breakdown:
    """Raw (unsuppressed) counts: never rendered without judging.diversity.suppression."""

    # field column -> population -> label -> people
    fields: dict[str, dict[str, Counts]] = field(default_factory=dict)
    outsiders: dict[str, Counts] = field(default_factory=dict)  # population -> label -> people
    first_time: Counts = field(default_factory=dict)  # submitted participations
    teams: Counts = field(default_factory=dict)  # entries


def _flags(challenge_ids: sa.Select[tuple[int]]) -> sa.Subquery:
    """One row per participation with its background and the populations it belongs to."""
    finalist = sa.exists().where(
        RoundEntry.submission_id == Submission.id, RoundEntry.round == Round.FINALIST
    )
    winner = sa.exists().where(Award.submission_id == Submission.id)
    submitted = Submission.status == SubmissionStatus.SUBMITTED
    return (
        sa.select(
            TeamMember.user_id,
            Submission.id.label("submission_id"),
            Submission.first_submitted_at,
            Challenge.category,
            *(getattr(User, column).label(column) for column in background.FIELDS),
            sa.literal(1).label("entrants"),
            sa.case((submitted, 1), else_=0).label("submitted"),
            sa.case((submitted & finalist, 1), else_=0).label("finalists"),
            sa.case((winner, 1), else_=0).label("winners"),
        )
        .join(Submission, Submission.id == TeamMember.submission_id)
        .join(Challenge, Challenge.id == TeamMember.challenge_id)
        .join(User, User.id == TeamMember.user_id)
        .where(TeamMember.challenge_id.in_(challenge_ids))
        .subquery()
    )


def _sums(rows: sa.Subquery) -> list[sa.ColumnElement[int]]:
    return [sa.func.sum(rows.c[name]) for name in POPULATIONS]


def breakdown(challenge_ids: sa.Select[tuple[int]]) -> Breakdown:
    """Counts over the challenges ``challenge_ids`` selects: six queries whatever the size."""
    rows = _flags(challenge_ids)
    result = Breakdown()
    for column in background.FIELDS:
        per: dict[str, Counts] = {name: defaultdict(int) for name in POPULATIONS}
        for value, *sums in db.session.execute(
            sa.select(rows.c[column], *_sums(rows)).group_by(rows.c[column])
        ):
            for name, n in zip(POPULATIONS, sums, strict=True):
                per[name][background.label(value)] += n or 0
        result.fields[column] = per
    outsiders: dict[str, Counts] = {name: defaultdict(int) for name in POPULATIONS}
    grouped = sa.select(rows.c.category, rows.c.bg_discipline, *_sums(rows)).group_by(
        rows.c.category, rows.c.bg_discipline
    )
    for category, discipline, *sums in db.session.execute(grouped):
        kind = _outsider_kind(category, discipline)
        for name, n in zip(POPULATIONS, sums, strict=True):
            outsiders[name][kind] += n or 0
    result.outsiders = outsiders
    result.first_time = _first_time(rows)
    result.teams = _teams(rows)
    return result


def _outsider_kind(category: str, discipline: str | None) -> str:
    if discipline is None or discipline == background.PREFER_NOT:
        return UNDECLARED
    return INSIDER if CATEGORY_DISCIPLINES.get(category) == discipline else OUTSIDER


def _first_time(rows: sa.Subquery) -> Counts:
    """Submitted participations whose entry is the person's first submitted on the platform."""
    first = (
        sa.select(TeamMember.user_id, sa.func.min(Submission.first_submitted_at).label("first"))
        .join(Submission, Submission.id == TeamMember.submission_id)
        .where(Submission.first_submitted_at.is_not(None))
        .group_by(TeamMember.user_id)
        .subquery()
    )
    is_first = sa.case((rows.c.first_submitted_at == first.c.first, 1), else_=0)
    query = (
        sa.select(is_first, sa.func.count())
        .select_from(rows)
        .join(first, first.c.user_id == rows.c.user_id)
        .where(rows.c.submitted == 1)
        .group_by(is_first)
    )
    return {FIRST_TIME if flag else RETURNING: n for flag, n in db.session.execute(query)}


def _teams(rows: sa.Subquery) -> Counts:
    """Submitted entries by whether more than one person is on them."""
    sizes = (
        sa.select(rows.c.submission_id, sa.func.count().label("size"))
        .where(rows.c.submitted == 1)
        .group_by(rows.c.submission_id)
        .subquery()
    )
    kind = sa.case((sizes.c.size > 1, 1), else_=0)
    query = sa.select(kind, sa.func.count()).group_by(kind)
    return {TEAM if flag else SOLO: n for flag, n in db.session.execute(query)}


def challenge_ids(challenge: Challenge) -> sa.Select[tuple[int]]:
    return sa.select(sa.literal(challenge.id))


def sponsor_other_ids(challenge: Challenge) -> sa.Select[tuple[int]]:
    return sa.select(Challenge.id).where(
        Challenge.org_id == challenge.org_id, Challenge.id != challenge.id
    )


def awarded_ids() -> sa.Select[tuple[int]]:
    return sa.select(Challenge.id).where(Challenge.awarded_at.is_not(None))

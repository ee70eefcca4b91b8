"""Published results as pages and the API read them: the decision, winners, the ranked table.

Read-only. Results count as published once the sponsor's decision set ``awarded_at`` and the
latest decided snapshot is approved or declined. Winners (prize and names) are public; what
is public beyond them follows the challenge's ``judging_transparency``; whether an entry's
title shows, with a link to its solution, follows ``submissions.visibility`` for the viewer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import aliased, joinedload

from accounts.models import User
from challenges.models import Challenge, PrizeTier
from challenges.openness import JudgingTransparency
from core.db import db
from judging.policies import can_view_results
from judging.results.awards import award_status
from judging.results.models import Award, AwardKind, ResultRow, ResultSnapshot, SnapshotState
from judging.settings import criteria_of
from submissions.models import Submission, SubmissionVersion, TeamMember
from submissions.visibility import visible_condition

RANKED_PER_PAGE = 50
WINNERS_PER_PAGE = 20
DECIDED = (SnapshotState.APPROVED, SnapshotState.DECLINED)


def published_snapshot(challenge: Challenge) -> ResultSnapshot | None:
    """The decided snapshot the public reads, or None while results are unpublished."""
    if not can_view_results(None, challenge):
        return None
    return db.session.scalars(
        sa.select(ResultSnapshot)
        .where(ResultSnapshot.challenge_id == challenge.id, ResultSnapshot.state.in_(DECIDED))
        .order_by(ResultSnapshot.decided_at.desc(), ResultSnapshot.id.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class Winner:
    """One award as ``viewer`` sees it: the prize and the winners' names always; the entry's
    title (and link) only when ``visible``, i.e. when the viewer may read the entry under the
    visibility policy, so a sponsor-only challenge names its winners, never their work."""

    award: Award
    tier: PrizeTier
    title: str | None  # None unless ``visible``
    visible: bool
    finalist: bool
    team: list[User] = field(default_factory=list)

    @property
    def peoples_choice(self) -> bool:
        return self.award.kind == AwardKind.PEOPLES_CHOICE

    @property
    def status(self) -> str:
        return award_status(self.award)


_LATEST = aliased(SubmissionVersion, name="latest_version")
_ON_LATEST = sa.and_(
    _LATEST.submission_id == Submission.id, _LATEST.number == Submission.current_version
)


def _latest_title() -> tuple[Any, sa.ColumnElement[bool], sa.ColumnElement[str]]:
    """The entry's latest version (to outer-join, and its join condition) and the title the
    public reads: the version's, else the working copy's. Built once: building an alias and
    its condition costs more than the query it serves."""
    return _LATEST, _ON_LATEST, sa.func.coalesce(_LATEST.title, Submission.title)


def _visible_flag(viewer: User | None) -> sa.ColumnElement[int]:
    return sa.case((visible_condition(viewer), 1), else_=0)


def winners_by_challenge(challenge_ids: list[int], viewer: User | None) -> dict[int, list[Winner]]:
    """Every challenge's awards by prize place, with teams and, where ``viewer`` may read the
    entry, titles: two queries in all. Pages and the API build their winners here."""
    if not challenge_ids:
        return {}
    version, on_version, title = _latest_title()
    rows = db.session.execute(
        sa.select(Award, PrizeTier, title, _visible_flag(viewer), ResultRow.finalist)
        .join(PrizeTier, PrizeTier.id == Award.prize_tier_id)
        .join(Submission, Submission.id == Award.submission_id)
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .outerjoin(version, on_version)
        .outerjoin(
            ResultRow,
            sa.and_(
                ResultRow.snapshot_id == Award.snapshot_id,
                ResultRow.submission_id == Award.submission_id,
            ),
        )
        .where(Award.challenge_id.in_(challenge_ids))
        .order_by(Award.challenge_id, PrizeTier.place, Award.id)
    ).all()
    teams = _teams([award.submission_id for award, *_ in rows])
    found: dict[int, list[Winner]] = {}
    for award, tier, entry_title, visible, finalist in rows:
        found.setdefault(award.challenge_id, []).append(
            Winner(
                award=award,
                tier=tier,
                title=(entry_title or _("Untitled entry")) if visible else None,
                visible=bool(visible),
                finalist=bool(finalist),
                team=teams.get(award.submission_id, []),
            )
        )
    return found


def _teams(submission_ids: list[int]) -> dict[int, list[User]]:
    if not submission_ids:
        return {}
    rows = db.session.execute(
        sa.select(TeamMember.submission_id, User)
        .join(User, User.id == TeamMember.user_id)
        .where(TeamMember.submission_id.in_(set(submission_ids)))
        .order_by(TeamMember.id)
    ).all()
    teams: dict[int, list[User]] = {}
    for submission_id, user in rows:
        teams.setdefault(submission_id, []).append(user)
    return teams


@dataclass(frozen=True)
class Results:
    """A challenge's published results: the decision, the winners, how scores were made."""

    challenge: Challenge
    snapshot: ResultSnapshot
    winners: list[Winner]

    @property
    def declined(self) -> bool:
        return self.snapshot.state == SnapshotState.DECLINED

    @property
    def scores_public(self) -> bool:
        return self.challenge.judging_transparency == JudgingTransparency.SCORES_PUBLIC

    @property
    def reordered(self) -> bool:
        """Whether the placed prizes, in prize order, do not follow the computed ranks."""
        ranks = [w.award.rank for w in self.winners if not w.peoples_choice]
        return any(rank is None for rank in ranks) or ranks != sorted(ranks)

    @property
    def adjustment(self) -> str | None:
        """The published note on the sponsor's decision, if it departed from the computation."""
        reason = (self.snapshot.adjustment_reason or "").strip()
        if self.declined:
            if reason:
                return str(_("No prize was awarded: %(reason)s", reason=reason))
            return str(_("No prize was awarded."))
        if reason:
            return str(_("The sponsor changed the computed order: %(reason)s", reason=reason))
        return str(_("The sponsor changed the computed order.")) if self.reordered else None

    @property
    def method(self) -> str:
        lam, blended = f"{self.snapshot.lam:g}", community_weight(self.snapshot)
        weight = f"{blended:g}"
        if self.scores_public and blended:
            text = _(
                "Scores calibrated for judge leniency (ridge, λ=%(lam)s); raw means shown beside "
                "them; community votes blended in with weight %(weight)s.",
                lam=lam,
                weight=weight,
            )
        elif self.scores_public:
            text = _(
                "Scores calibrated for judge leniency (ridge, λ=%(lam)s); raw means shown beside "
                "them.",
                lam=lam,
            )
        elif blended:
            text = _(
                "Scores calibrated for judge leniency (ridge, λ=%(lam)s); community votes "
                "blended in with weight %(weight)s.",
                lam=lam,
                weight=weight,
            )
        else:
            text = _("Scores calibrated for judge leniency (ridge, λ=%(lam)s).", lam=lam)
        return str(text)


def community_weight(snapshot: ResultSnapshot) -> float:
    try:
        return float((snapshot.parameters or {}).get("community_weight") or 0)
    except (TypeError, ValueError):
        return 0.0


def results_of(challenge: Challenge, viewer: User | None) -> Results | None:
    """The published results of ``challenge`` for ``viewer``, or None before publication."""
    snapshot = published_snapshot(challenge)
    if snapshot is None:
        return None
    winners = []
    if snapshot.state == SnapshotState.APPROVED:
        winners = winners_by_challenge([challenge.id], viewer).get(challenge.id, [])
    return Results(challenge, snapshot, winners)


@dataclass(frozen=True)
class RankedLine:
    """One ranked entry; ``title`` is None when the viewer may not read the entry."""

    row: sa.Row[Any]  # the result_rows columns by name (rank, final_score, ...), no ORM object
    title: str | None

    @property
    def criterion_means(self) -> dict[str, float]:
        return self.row.criterion_means or {}


class RankedPage(Pagination):
    """A page of a snapshot's ranking in rank order: one query for the rows (walking the
    (snapshot_id, rank) primary key) and one for the last rank. The rows are plain column
    tuples: the page only reads them, and ORM objects cost more than the query here."""

    def _query_items(self) -> list[RankedLine]:
        snapshot_id, viewer = self._query_args["snapshot_id"], self._query_args["viewer"]
        version, on_version, title = _latest_title()
        rows = db.session.execute(
            sa.select(ResultRow.__table__, title.label("entry_title"), _visible_flag(viewer))
            .join(Submission, Submission.id == ResultRow.submission_id)
            .join(Challenge, Challenge.id == Submission.challenge_id)
            .outerjoin(version, on_version)
            # Ranks run 1..N within a snapshot, so a page is a key range, not an OFFSET that
            # would join and skip every earlier row (page 150 of 10k: 22 ms -> under 1 ms).
            .where(
                ResultRow.snapshot_id == snapshot_id,
                ResultRow.rank > self._query_offset,
                ResultRow.rank <= self._query_offset + self.per_page,
            )
            .order_by(ResultRow.rank)
        ).all()
        return [
            RankedLine(row, (row.entry_title or _("Untitled entry")) if row[-1] else None)
            for row in rows
        ]

    def _query_count(self) -> int:
        # Ranks are 1..N without gaps ((snapshot_id, rank) is the key and ``rank >= 1``), so the
        # last rank is the count, read from the end of the key's index at any size.
        return (
            db.session.scalar(
                sa.select(sa.func.max(ResultRow.rank)).where(
                    ResultRow.snapshot_id == self._query_args["snapshot_id"]
                )
            )
            or 0
        )


def ranked_page(
    snapshot: ResultSnapshot, viewer: User | None, page: int, per_page: int = RANKED_PER_PAGE
) -> RankedPage:
    return RankedPage(
        page=page, per_page=per_page, error_out=False, snapshot_id=snapshot.id, viewer=viewer
    )


def criterion_columns(challenge: Challenge, lines: list[RankedLine]) -> list[str]:
    """Criterion names for the table: rubric order first, then any the rubric no longer has."""
    names = [criterion.name for criterion in criteria_of(challenge)]
    seen = {name for line in lines for name in line.criterion_means}
    return [n for n in names if n in seen] + sorted(seen - set(names))


@dataclass(frozen=True)
class ChallengeWinners:
    challenge: Challenge
    winners: list[Winner]


def _awarded() -> list[sa.ColumnElement[bool]]:
    return [
        Challenge.published_at.is_not(None),
        Challenge.cancelled_at.is_(None),
        Challenge.awarded_at.is_not(None),
        # Driven from the (small) awards table: the planner then looks challenges up by id
        # instead of scanning every awarded-phase challenge for an award.
        Challenge.id.in_(sa.select(Award.challenge_id)),
    ]


class WinnersPage(Pagination):
    """Challenges with published awards, newest announcement first, each with its winners."""

    def _query_items(self) -> list[ChallengeWinners]:
        challenges = list(
            db.session.scalars(
                sa.select(Challenge)
                .where(*_awarded())
                .options(joinedload(Challenge.organization))
                .order_by(Challenge.awarded_at.desc(), Challenge.id.desc())
                .offset(self._query_offset)
                .limit(self.per_page)
            )
        )
        winners = winners_by_challenge([c.id for c in challenges], self._query_args["viewer"])
        return [ChallengeWinners(c, winners.get(c.id, [])) for c in challenges]

    def _query_count(self) -> int:
        return db.session.scalar(sa.select(sa.func.count(Challenge.id)).where(*_awarded())) or 0


def winners_page(viewer: User | None, page: int, per_page: int = WINNERS_PER_PAGE) -> WinnersPage:
    return WinnersPage(page=page, per_page=per_page, error_out=False, viewer=viewer)

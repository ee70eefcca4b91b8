"""What the Impact section, /impact, the feed and the API read: histories, reuse, figures.

Each function runs a fixed number of queries whatever the number of challenges or updates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from challenges.models import Challenge
from core.db import db, utcnow
from judging.adoption.models import AdoptionStatus, AdoptionUpdate, ReuseReport, ReuseState
from judging.results.models import Award
from judging.results.publication import Winner, winners_by_challenge
from submissions.models import Lineage, Submission, SubmissionStatus

WITHIN = timedelta(days=182)  # "within six months of the award"
FEED_SIZE = 50


@dataclass(frozen=True)
class WinnerImpact:
    """One winning solution: its award as the public sees it, history (newest first), reuse."""

    winner: Winner
    history: list[AdoptionUpdate]
    reuse: list[ReuseReport]
    lineage_count: int

    @property
    def current(self) -> AdoptionUpdate | None:
        return self.history[0] if self.history else None


@dataclass(frozen=True)
class ChallengeImpact:
    challenge: Challenge
    winners: list[WinnerImpact]

    @property
    def reuse_total(self) -> int:
        return sum(len(w.reuse) + w.lineage_count for w in self.winners)


def _awarded() -> list[sa.ColumnElement[bool]]:
    return [
        Challenge.awarded_at.is_not(None),
        Challenge.cancelled_at.is_(None),
        Challenge.published_at.is_not(None),
    ]


def _lineage_counts(submission_ids: list[int]) -> dict[int, int]:
    """Submitted entries that build on each of ``submission_ids`` (reuse inside the platform)."""
    if not submission_ids:
        return {}
    rows = db.session.execute(
        sa.select(Lineage.builds_on_id, sa.func.count())
        .join(Submission, Submission.id == Lineage.submission_id)
        .where(
            Lineage.builds_on_id.in_(submission_ids),
            Submission.status == SubmissionStatus.SUBMITTED,
        )
        .group_by(Lineage.builds_on_id)
    )
    return {builds_on: count for builds_on, count in rows}


def challenge_impact(challenge: Challenge) -> ChallengeImpact | None:
    """An awarded challenge's winners with their adoption history, approved reuse and lineage
    counts; None before the award."""
    if challenge.awarded_at is None or challenge.cancelled_at is not None:
        return None
    winners = winners_by_challenge([challenge.id], None).get(challenge.id, [])
    updates = db.session.scalars(
        sa.select(AdoptionUpdate)
        .where(AdoptionUpdate.challenge_id == challenge.id)
        .order_by(AdoptionUpdate.created_at.desc(), AdoptionUpdate.id.desc())
    ).all()
    reports = db.session.scalars(
        sa.select(ReuseReport)
        .where(
            ReuseReport.challenge_id == challenge.id,
            ReuseReport.state == ReuseState.APPROVED,
        )
        .order_by(ReuseReport.decided_at.desc(), ReuseReport.id.desc())
    ).all()
    submission_ids = [w.award.submission_id for w in winners]
    lineage = _lineage_counts(submission_ids)
    return ChallengeImpact(
        challenge,
        [
            WinnerImpact(
                winner=w,
                history=[u for u in updates if u.award_id == w.award.id],
                reuse=[r for r in reports if r.submission_id == w.award.submission_id],
                lineage_count=lineage.get(w.award.submission_id, 0),
            )
            for w in winners
        ],
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class ImpactFigures:
    """Platform-wide figures for /impact and the API."""

    awarded: int  # awarded challenges
    eligible: int  # awarded at least six months ago: the denominator of ``updated_within``
    updated_within: int  # of ``eligible``, those with an update within six months of award
    solutions: int  # winning solutions (awards)
    statuses: dict[str, int] = field(default_factory=dict)  # current status -> solutions
    reuse_reports: int = 0  # approved reports
    lineage_links: int = 0  # submitted entries building on another entry

    @property
    def updated_share(self) -> float | None:
        return self.updated_within / self.eligible if self.eligible else None

    @property
    def adopted(self) -> int:
        return self.statuses.get(AdoptionStatus.ADOPTED, 0)

    @property
    def adopted_share(self) -> float | None:
        return self.adopted / self.solutions if self.solutions else None

    @property
    def no_update(self) -> int:
        return self.solutions - sum(self.statuses.values())


def impact_figures(now: datetime | None = None) -> ImpactFigures:
    now = now or utcnow()
    awarded = dict(
        db.session.execute(sa.select(Challenge.id, Challenge.awarded_at).where(*_awarded())).all()
    )
    first_update = dict(
        db.session.execute(
            sa.select(AdoptionUpdate.challenge_id, sa.func.min(AdoptionUpdate.created_at))
            .join(Challenge, Challenge.id == AdoptionUpdate.challenge_id)
            .where(*_awarded())
            .group_by(AdoptionUpdate.challenge_id)
        ).all()
    )
    eligible = [cid for cid, at in awarded.items() if at + WITHIN <= now]
    within = [
        cid
        for cid in eligible
        if cid in first_update and first_update[cid] <= awarded[cid] + WITHIN
    ]
    solutions = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Award)
        .join(Challenge, Challenge.id == Award.challenge_id)
        .where(*_awarded())
    )
    latest: dict[int, tuple[datetime, int, str]] = {}
    for award_id, created_at, update_id, status in db.session.execute(
        sa.select(
            AdoptionUpdate.award_id,
            AdoptionUpdate.created_at,
            AdoptionUpdate.id,
            AdoptionUpdate.status,
        )
        .join(Challenge, Challenge.id == AdoptionUpdate.challenge_id)
        .where(*_awarded())
    ):
        if award_id not in latest or (created_at, update_id) > latest[award_id][:2]:
            latest[award_id] = (created_at, update_id, status)
    statuses = Counter(str(status) for _, _, status in latest.values())
    reports = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ReuseReport)
        .where(ReuseReport.state == ReuseState.APPROVED)
    )
    lineage = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Lineage)
        .join(Submission, Submission.id == Lineage.submission_id)
        .where(Submission.status == SubmissionStatus.SUBMITTED)
    )
    return ImpactFigures(
        awarded=len(awarded),
        eligible=len(eligible),
        updated_within=len(within),
        solutions=solutions or 0,
        statuses=dict(statuses),
        reuse_reports=reports or 0,
        lineage_links=lineage or 0,
    )


def latest_updates(limit: int = FEED_SIZE) -> list[AdoptionUpdate]:
    """The newest adoption updates of public awarded challenges, for the feed."""
    return list(
        db.session.scalars(
            sa.select(AdoptionUpdate)
            .join(Challenge, Challenge.id == AdoptionUpdate.challenge_id)
            .where(*_awarded())
            .options(
                joinedload(AdoptionUpdate.award)
                .joinedload(Award.challenge)
                .joinedload(Challenge.organization),
                joinedload(AdoptionUpdate.award).joinedload(Award.prize_tier),
            )
            .order_by(AdoptionUpdate.created_at.desc(), AdoptionUpdate.id.desc())
            .limit(limit)
        ).unique()
    )

"""What a results computation reads, and the hash that tells when a snapshot went stale."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from challenges.models import Challenge
from core.db import db
from judging.models import (
    Assignment,
    AssignmentState,
    JudgingSettings,
    Review,
    ReviewScore,
    Round,
    RoundEntry,
)
from judging.results.freshness import inputs_version
from judging.results.models import ResultSnapshot
from judging.settings import criteria_of, settings_for
from judging.voting.models import Vote, counted_votes
from submissions.models import Submission, SubmissionStatus

SCORED_ROUNDS = (Round.EVALUATION, Round.FINALIST)
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass(frozen=True)
class ReviewInput:
    """One counted review: a submitted score of a standing assignment of an eligible entry."""

    assignment_id: int
    judge_id: int
    submission_id: int
    round: str
    score_total: float
    values: dict[int, int] = field(default_factory=dict)  # criterion id → 1–5


@dataclass
class Inputs:
    """Everything a computation reads; its canonical JSON is the snapshot's inputs hash."""

    settings: JudgingSettings
    criteria: list[tuple[int, str, int]]  # (id, name, weight) in rubric order
    tiers: list[tuple[int, int, int]]  # (id, place, amount)
    entries: dict[int, datetime]  # eligible entry → its final submission time
    reviews: list[ReviewInput]
    votes: list[tuple[int, int, int]]  # (entry, voter, ±1), counted votes only
    round_entries: list[tuple[str, int]]


def _counted_reviews(challenge_id: int, *columns: Any) -> sa.Select:
    return (
        sa.select(*columns)
        .select_from(Review)
        .join(Assignment, Assignment.id == Review.assignment_id)
        .join(Submission, Submission.id == Assignment.submission_id)
        .where(
            Submission.challenge_id == challenge_id,
            Submission.status == SubmissionStatus.SUBMITTED,
            Assignment.state != AssignmentState.VOID,
            Assignment.round.in_(SCORED_ROUNDS),
            Review.submitted_at.is_not(None),
            Review.score_total.is_not(None),
        )
    )


def load_inputs(challenge: Challenge) -> Inputs:
    """Read the counted reviews, votes, round admissions, rubric and settings (six queries)."""
    settings = settings_for(challenge)
    eligible = sa.select(Submission.id, Submission.last_submitted_at).where(
        Submission.challenge_id == challenge.id, Submission.status == SubmissionStatus.SUBMITTED
    )
    if settings.screening:  # only entries the screening round let through
        eligible = eligible.where(
            Submission.id.in_(
                sa.select(RoundEntry.submission_id).where(
                    RoundEntry.challenge_id == challenge.id, RoundEntry.round == Round.EVALUATION
                )
            )
        )
    connection = db.session.connection()  # plain rows: 10k entries mean 150k criterion scores
    entries = {row[0]: row[1] or _NEVER for row in connection.execute(eligible)}
    criteria = [(c.id, c.name, c.weight) for c in criteria_of(challenge)]
    counted = {
        row[0]: row[1:]
        for row in connection.execute(
            _counted_reviews(
                challenge.id,
                Review.id,
                Assignment.id,
                Assignment.judge_id,
                Assignment.submission_id,
                Assignment.round,
                Review.score_total,
            ).order_by(Assignment.id)
        )
        if row[3] in entries
    }
    values: dict[int, dict[int, int]] = defaultdict(dict)
    if criteria:  # the rubric's criteria belong to this challenge: no join needed
        scores = sa.select(ReviewScore.review_id, ReviewScore.criterion_id, ReviewScore.value)
        scores = scores.where(ReviewScore.criterion_id.in_([c[0] for c in criteria]))
        for review_id, criterion_id, value in connection.execute(scores):
            if value is not None and review_id in counted:
                values[review_id][criterion_id] = value
    reviews = [
        ReviewInput(row[0], row[1], row[2], str(row[3]), float(row[4]), values.get(review_id, {}))
        for review_id, row in counted.items()
    ]
    votes = [
        (row[0], row[1], row[2])
        for row in connection.execute(
            sa.select(Vote.submission_id, Vote.user_id, Vote.value)
            .join(Submission, Submission.id == Vote.submission_id)
            .where(Submission.challenge_id == challenge.id, counted_votes())
            .order_by(Vote.submission_id, Vote.user_id)
        )
        if row[0] in entries
    ]
    round_entries = [
        (str(row[0]), row[1])
        for row in connection.execute(
            sa.select(RoundEntry.round, RoundEntry.submission_id)
            .where(RoundEntry.challenge_id == challenge.id)
            .order_by(RoundEntry.round, RoundEntry.submission_id)
        )
    ]
    return Inputs(
        settings=settings,
        criteria=criteria,
        tiers=sorted((t.id, t.place, t.amount) for t in challenge.prize_tiers),
        entries=entries,
        reviews=reviews,
        votes=votes,
        round_entries=round_entries,
    )


def digest(inputs: Inputs) -> str:
    """SHA-256 of the inputs as canonical JSON (sorted keys and rows, scores at 6 dp)."""
    settings = inputs.settings
    document = {
        "entries": sorted([sid, at.isoformat()] for sid, at in inputs.entries.items()),
        "reviews": sorted(
            [
                r.assignment_id,
                r.judge_id,
                r.submission_id,
                r.round,
                sorted(r.values.items()),
                round(r.score_total, 6),
            ]
            for r in inputs.reviews
        ),
        "votes": sorted(list(vote) for vote in inputs.votes),
        "round_entries": sorted(list(row) for row in inputs.round_entries),
        "rubric": [list(c) for c in inputs.criteria],
        "tiers": [list(t) for t in inputs.tiers],
        "settings": {
            "k": settings.k,
            "passing_score": settings.passing_score,
            "community_weight": float(settings.community_weight or 0.0),
            "peoples_choice_tier_id": settings.peoples_choice_tier_id,
            "screening": bool(settings.screening),
        },
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()


def inputs_hash(challenge: Challenge) -> str:
    """The hash of what a computation would read now; a snapshot is stale when it differs."""
    return digest(load_inputs(challenge))


def is_stale(snapshot: ResultSnapshot) -> bool:
    """Whether what the snapshot read changed since: one query on the challenge's change
    counter; snapshots from before the counter existed recompute the inputs hash."""
    current = inputs_version(db.session, snapshot.challenge_id)
    if snapshot.inputs_version is None or current is None:
        return inputs_hash(snapshot.challenge) != snapshot.inputs_hash
    return current != snapshot.inputs_version

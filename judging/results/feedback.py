"""The entry page after publication: the public line when scores are public, and for the
entry's own team its rank and each judge's scores (as transparency allows) and feedback."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from accounts.models import User
from challenges.openness import JudgingTransparency
from core.db import db
from judging.models import Assignment, AssignmentState, Criterion, Review, Round
from judging.policies import can_see_scores, can_view_results
from judging.results.models import ResultRow, ResultSnapshot
from judging.results.publication import published_snapshot
from judging.settings import criteria_of
from submissions.models import Submission
from submissions.visibility import is_team_member

FEEDBACK_ROUNDS = (Round.EVALUATION, Round.FINALIST)


@dataclass(frozen=True)
class JudgeFeedback:
    """One judge's review of the entry as its team reads it: J-label, never a name."""

    label: str
    round: str
    total: float | None
    scores: list[tuple[str, int]]
    feedback: str


@dataclass(frozen=True)
class EntryResults:
    """What the entry page shows after publication: the public line (when scores are public)
    and, for the entry's own team, the rank and each judge's scores and written feedback."""

    row: ResultRow | None
    entry_count: int
    public_line: bool
    team: bool
    show_scores: bool
    criteria: list[str]
    judges: list[JudgeFeedback]


def entry_results(viewer: User | None, submission: Submission) -> EntryResults | None:
    """None before publication and for viewers who are owed nothing on this entry."""
    challenge = submission.challenge
    if not can_view_results(viewer, challenge):
        return None
    team = is_team_member(viewer, submission)
    public = challenge.judging_transparency == JudgingTransparency.SCORES_PUBLIC
    if not (team or public):
        return None
    snapshot = published_snapshot(challenge)
    if snapshot is None:
        return None
    show_scores = can_see_scores(viewer, submission)
    row = None
    if public or show_scores:
        row = db.session.scalar(
            sa.select(ResultRow).where(
                ResultRow.snapshot_id == snapshot.id, ResultRow.submission_id == submission.id
            )
        )
    if not team and row is None:
        return None
    criteria = criteria_of(challenge)
    judges = _judge_feedback(snapshot, submission, criteria if show_scores else []) if team else []
    means = (row.criterion_means or {}) if row is not None else {}
    return EntryResults(
        row=row,
        entry_count=snapshot.entry_count,
        public_line=public and row is not None,
        team=team,
        show_scores=show_scores,
        criteria=[c.name for c in criteria if c.name in means],
        judges=judges,
    )


def _snapshot_labels(snapshot: ResultSnapshot) -> dict[int, str]:
    labels: dict[int, str] = {}
    for number, judge in enumerate(snapshot.judges or [], start=1):
        if isinstance(judge, dict) and judge.get("judge_id") is not None:
            labels[int(judge["judge_id"])] = str(judge.get("label") or f"J{number}")
    return labels


def _judge_feedback(
    snapshot: ResultSnapshot, submission: Submission, criteria: list[Criterion]
) -> list[JudgeFeedback]:
    """Submitted evaluation and finalist reviews of standing assignments. Judges carry the
    snapshot's labels (J1..Jn by judge id); a judge it does not list makes every label fall
    back to J1..Jk by judge id among this entry's reviewers. Scores only for the given
    ``criteria`` (none when scores are private: the written feedback alone).
    ``note_to_panel`` is never read."""
    assignments = list(
        db.session.scalars(
            sa.select(Assignment)
            .join(Review, Review.assignment_id == Assignment.id)
            .where(
                Assignment.submission_id == submission.id,
                Assignment.state != AssignmentState.VOID,
                Assignment.round.in_(FEEDBACK_ROUNDS),
                Review.submitted_at.is_not(None),
            )
            .options(contains_eager(Assignment.review).selectinload(Review.scores))
            .order_by(Assignment.judge_id, Assignment.id)
        ).unique()
    )
    labels = _snapshot_labels(snapshot)
    judge_ids = sorted({a.judge_id for a in assignments})
    if not set(judge_ids) <= set(labels):
        labels = {judge_id: f"J{n}" for n, judge_id in enumerate(judge_ids, start=1)}
    show_scores = bool(criteria)
    found = []
    for assignment in assignments:
        review = assignment.review
        feedback = review.feedback_to_solver.strip() if review is not None else ""
        if review is None or (not show_scores and not feedback):
            continue
        values = review.score_map()
        found.append(
            JudgeFeedback(
                label=labels[assignment.judge_id],
                round=str(assignment.round),
                total=review.score_total if show_scores else None,
                scores=[(c.name, values[c.id]) for c in criteria if values.get(c.id) is not None],
                feedback=feedback,
            )
        )
    order = {str(r): n for n, r in enumerate(FEEDBACK_ROUNDS)}
    return sorted(found, key=lambda j: (order[j.round], _label_key(j.label)))


def _label_key(label: str) -> tuple[int, str]:
    digits = label.lstrip("J")
    return (int(digits), label) if digits.isdigit() else (10**9, label)

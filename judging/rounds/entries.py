"""Which entries each round holds, the current round, and screening verdicts (read-only)."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from challenges.models import Challenge
from core.db import db
from judging.models import Assignment, AssignmentState, Review, Round, RoundEntry, Verdict
from judging.settings import settings_for
from submissions.models import Submission, SubmissionStatus


def round_now(challenge: Challenge) -> Round:
    """The round judges work in now: screening first when the sponsor turned it on."""
    return Round(settings_for(challenge).current_round or Round.EVALUATION)


def round_entry_ids(challenge: Challenge, round_: Round) -> list[int]:
    """Submitted entries taking part in ``round_``: all of them in screening (and in evaluation
    when there is no screening); otherwise those a sponsor's advance admitted (RoundEntry)."""
    query = (
        sa.select(Submission.id)
        .where(
            Submission.challenge_id == challenge.id,
            Submission.status == SubmissionStatus.SUBMITTED,
        )
        .order_by(Submission.id)
    )
    if round_ == Round.FINALIST or (
        round_ == Round.EVALUATION and settings_for(challenge).screening
    ):
        admitted = sa.select(RoundEntry.submission_id).where(
            RoundEntry.challenge_id == challenge.id, RoundEntry.round == round_
        )
        query = query.where(Submission.id.in_(admitted))
    return list(db.session.scalars(query))


def screening_verdicts(challenge: Challenge) -> dict[int, tuple[int, int]]:
    """(passes, fails) per entry from submitted screening reviews of standing assignments."""
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = db.session.execute(
        sa.select(Assignment.submission_id, Review.verdict)
        .join(Review, Review.assignment_id == Assignment.id)
        .join(Submission, Submission.id == Assignment.submission_id)
        .where(
            Submission.challenge_id == challenge.id,
            Assignment.round == Round.SCREENING,
            Assignment.state == AssignmentState.SUBMITTED,
            Review.submitted_at.is_not(None),
        )
    )
    for submission_id, verdict in rows:
        found[submission_id][verdict != Verdict.PASS] += 1
    return {submission_id: (ok, fail) for submission_id, (ok, fail) in found.items()}

"""What judging adds to the submissions visibility policy: assigned judges see their entries.

Registered with ``submissions.visibility.register_viewer_rule`` when the judging package is
imported, as a predicate and as the same rule in SQL.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from accounts.models import User
from challenges.models import Challenge
from core.db import db
from judging.models import Assignment, AssignmentState, Judge, JudgeStatus, JudgingSettings
from submissions.models import Submission
from submissions.visibility import register_viewer_rule


def _standing_entries(user: User) -> sa.Select:
    """Entries the user judges on a standing assignment, as an accepted, attested judge."""
    return (
        sa.select(Assignment.submission_id)
        .join(Judge, Judge.id == Assignment.judge_id)
        .where(
            Judge.user_id == user.id,
            Judge.status == JudgeStatus.ACCEPTED,
            Judge.attested_at.is_not(None),
            Assignment.state != AssignmentState.VOID,
        )
    )


def judge_can_view(user: User, submission: Submission, now: datetime) -> bool:
    """An assigned judge sees the entry once judging starts (the deadline has passed)."""
    if now < submission.challenge.closes_at:
        return False
    query = _standing_entries(user).where(Assignment.submission_id == submission.id)
    return db.session.scalar(query.limit(1)) is not None


def judge_view_condition(user: User, now: datetime) -> sa.ColumnElement[bool]:
    """The same rule for queries that select ``Submission`` joined to ``Challenge``."""
    return sa.and_(Challenge.closes_at <= now, Submission.id.in_(_standing_entries(user)))


def register_access() -> None:
    register_viewer_rule(judge_can_view, judge_view_condition)


def judges_blind_to(user: User | None, submission: Submission) -> bool:
    """True when ``user`` judges this entry under blind review: pages must then hide names,
    handles, avatars, team and organization and show only the entry's blind label."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    blind = db.session.scalar(
        sa.select(JudgingSettings.blind_review).where(
            JudgingSettings.challenge_id == submission.challenge_id
        )
    )
    if blind is False:
        return False
    query = _standing_entries(user).where(Assignment.submission_id == submission.id)
    return db.session.scalar(query.limit(1)) is not None

"""Who may do what in judging: one place for the rules services and templates share."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from accounts.models import User
from accounts.policies import is_admin, org_role
from challenges.models import Challenge, Phase
from challenges.policies import SPONSOR_ROLES
from core.db import db, utcnow
from judging.models import Assignment, Judge, JudgeStatus


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _live(challenge: Challenge) -> bool:
    return challenge.cancelled_at is None and challenge.awarded_at is None


def can_view_judging(user: User | None, challenge: Challenge) -> bool:
    """The sponsor's judging dashboard: owners, managers and (read-only) platform admins."""
    return is_admin(user) or org_role(user, challenge.organization) in SPONSOR_ROLES


def can_manage_judging(user: User | None, challenge: Challenge) -> bool:
    """Rubric, panel and assignments: the sponsor's owners and managers, before results."""
    return _live(challenge) and org_role(user, challenge.organization) in SPONSOR_ROLES


def rubric_is_free(challenge: Challenge, now: datetime | None = None) -> bool:
    """Before the challenge opens the rubric may change freely; afterwards only with a note."""
    return challenge.phase(now) in {Phase.DRAFT, Phase.UPCOMING}


def judging_window_open(challenge: Challenge, now: datetime | None = None) -> bool:
    """Judging runs from the deadline (inclusive) to ``judging_ends_at`` (exclusive)."""
    now = now or utcnow()
    return challenge.phase(now) == Phase.JUDGING and now < challenge.judging_ends_at


def can_respond_to_invitation(user: User | None, judge: Judge) -> bool:
    """Only the verified account of the invited e-mail address answers an invitation."""
    return (
        _signed_in(user)
        and user.is_verified
        and user.email == judge.email
        and judge.status == JudgeStatus.INVITED
        and _live(judge.challenge)
    )


def is_judge_of(user: User | None, assignment: Assignment) -> bool:
    judge = assignment.judge
    return _signed_in(user) and judge.user_id == user.id and judge.is_active


def can_open_assignment(user: User | None, assignment: Assignment) -> bool:
    """The assigned, attested judge, while the assignment stands and judging has begun."""
    return (
        is_judge_of(user, assignment)
        and not assignment.is_void
        and assignment.submission.challenge.phase() in {Phase.JUDGING, Phase.AWARDED}
    )


def can_declare_conflict(user: User | None, assignment: Assignment) -> bool:
    """The judge (a conflict found later) or the sponsor may void a standing assignment."""
    if assignment.is_void:
        return False
    return is_judge_of(user, assignment) or can_manage_judging(
        user, assignment.submission.challenge
    )


def has_judging(user: User | None) -> bool:
    """Whether to show the "Judging" link: an active seat or a pending invitation."""
    if not _signed_in(user):
        return False
    seat = sa.or_(
        sa.and_(Judge.user_id == user.id, Judge.status == JudgeStatus.ACCEPTED),
        sa.and_(Judge.email == user.email, Judge.status == JudgeStatus.INVITED),
    )
    try:
        return bool(db.session.scalar(sa.select(sa.exists().where(seat))))
    except sa.exc.SQLAlchemyError:  # a navigation link must not break the error page
        db.session.rollback()
        return False


TEMPLATE_POLICIES = {
    "can_view_judging": can_view_judging,
    "can_manage_judging": can_manage_judging,
    "can_respond_to_invitation": can_respond_to_invitation,
    "can_open_assignment": can_open_assignment,
    "can_declare_conflict": can_declare_conflict,
    "has_judging": has_judging,
}

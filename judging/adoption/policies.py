"""Who may record adoption updates, report reuse and moderate reuse reports."""

from __future__ import annotations

from accounts.models import User
from accounts.policies import is_admin, is_signed_in, org_role
from challenges.models import Challenge
from challenges.policies import SPONSOR_ROLES
from submissions.models import Submission
from submissions.visibility import public_can_view


def is_awarded(challenge: Challenge) -> bool:
    return challenge.awarded_at is not None and challenge.cancelled_at is None


def can_record_adoption(user: User | None, challenge: Challenge) -> bool:
    """The sponsor's owners and managers, once the challenge is awarded."""
    return is_awarded(challenge) and org_role(user, challenge.organization) in SPONSOR_ROLES


def is_open_solution(submission: Submission) -> bool:
    """A solution the public may read under its challenge's openness profile."""
    return public_can_view(submission)


def can_report_reuse(user: User | None, submission: Submission) -> bool:
    """Any signed-in account, of an open solution."""
    return is_signed_in(user) and is_open_solution(submission)


def can_moderate_reuse(user: User | None) -> bool:
    return is_admin(user)

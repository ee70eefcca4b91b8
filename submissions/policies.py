"""Who may do what with submissions (viewing lives in visibility.py)."""

from __future__ import annotations

from accounts.models import User
from accounts.policies import is_admin, is_signed_in, org_role
from challenges.models import Challenge, Phase
from challenges.policies import SPONSOR_ROLES, is_sponsor_member
from core.db import utcnow
from submissions.models import Submission, SubmissionStatus
from submissions.visibility import authors_hidden, can_view_submission, is_team_member


def can_enter(user: User | None, challenge: Challenge) -> bool:
    """Verified users who are not the sponsor may enter an open challenge."""
    return (
        is_signed_in(user)
        and user.is_verified
        and challenge.phase() == Phase.OPEN
        and not is_sponsor_member(user, challenge)
    )


def before_deadline(submission: Submission) -> bool:
    return utcnow() < submission.challenge.closes_at


def can_edit_submission(user: User | None, submission: Submission) -> bool:
    return (
        is_team_member(user, submission)
        and submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED)
        and before_deadline(submission)
        and submission.challenge.cancelled_at is None
    )


def can_withdraw(user: User | None, submission: Submission) -> bool:
    return (
        is_signed_in(user)
        and user.id == submission.owner_id
        and submission.status == SubmissionStatus.SUBMITTED
        and before_deadline(submission)
    )


def can_reinstate(user: User | None, submission: Submission) -> bool:
    return (
        is_signed_in(user)
        and user.id == submission.owner_id
        and submission.status == SubmissionStatus.WITHDRAWN
        and before_deadline(submission)
    )


def can_manage_team(user: User | None, submission: Submission) -> bool:
    return (
        is_signed_in(user)
        and user.id == submission.owner_id
        and can_edit_submission(user, submission)
    )


def can_see_history(user: User | None, submission: Submission) -> bool:
    return is_team_member(user, submission) or is_admin(user)


def can_report(user: User | None, submission: Submission) -> bool:
    return (
        is_signed_in(user)
        and can_view_submission(user, submission)
        and not is_team_member(user, submission)
    )


def can_disqualify(user: User | None, submission: Submission) -> bool:
    if submission.status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.WITHDRAWN):
        return False
    return is_admin(user) or org_role(user, submission.challenge.organization) in SPONSOR_ROLES


def can_manage_entries(user: User | None, challenge: Challenge) -> bool:
    """Sponsor owners and managers (and admins) see the entries dashboard."""
    return is_admin(user) or org_role(user, challenge.organization) in SPONSOR_ROLES


TEMPLATE_POLICIES = {
    "can_enter": can_enter,
    "can_edit_submission": can_edit_submission,
    "can_withdraw": can_withdraw,
    "can_reinstate": can_reinstate,
    "can_manage_team": can_manage_team,
    "can_see_history": can_see_history,
    "can_report": can_report,
    "can_disqualify": can_disqualify,
    "can_manage_entries": can_manage_entries,
    "can_view_submission": can_view_submission,
    "authors_hidden": authors_hidden,
}

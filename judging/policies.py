"""Who may do what in judging: one place for the rules services and templates share."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from accounts.models import User
from accounts.policies import is_admin, is_signed_in, org_role
from challenges.models import Challenge, Phase
from challenges.openness import JudgingTransparency
from challenges.policies import SPONSOR_ROLES
from core.db import db, utcnow
from judging.models import Assignment, Judge, JudgeStatus, JudgingSettings, Round, RoundEntry
from submissions.models import Submission, SubmissionStatus
from submissions.visibility import can_view_submission, is_team_member


def _live(challenge: Challenge) -> bool:
    return challenge.cancelled_at is None and challenge.awarded_at is None


def can_view_judging(user: User | None, challenge: Challenge) -> bool:
    """The sponsor's judging dashboard: owners, managers and (read-only) platform admins."""
    return is_admin(user) or org_role(user, challenge.organization) in SPONSOR_ROLES


def can_view_diversity(user: User | None, challenge: Challenge) -> bool:
    """A challenge's diversity analytics (suppressed counts): sponsor owners, managers, admins."""
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


def in_judging_window(now: datetime) -> list[sa.ColumnElement[bool]]:
    """``judging_window_open`` as SQL conditions on ``Challenge``, for cron queries."""
    return [
        Challenge.published_at.is_not(None),
        Challenge.cancelled_at.is_(None),
        Challenge.awarded_at.is_(None),
        Challenge.closes_at <= now,
        Challenge.judging_ends_at > now,
    ]


def can_remind_judges(user: User | None, challenge: Challenge) -> bool:
    """Reminders to late judges: the sponsor's owners and managers, while judging is open."""
    return can_manage_judging(user, challenge) and judging_window_open(challenge)


def can_respond_to_invitation(user: User | None, judge: Judge) -> bool:
    """Only the verified account of the invited e-mail address answers an invitation."""
    return (
        is_signed_in(user)
        and user.is_verified
        and user.email == judge.email
        and judge.status == JudgeStatus.INVITED
        and _live(judge.challenge)
    )


def can_view_seat(user: User | None, judge: Judge) -> bool:
    """A seat's list of assignments is its judge's alone, once they accepted it."""
    return is_signed_in(user) and judge.user_id == user.id and judge.status == JudgeStatus.ACCEPTED


def is_judge_of(user: User | None, assignment: Assignment) -> bool:
    judge = assignment.judge
    return is_signed_in(user) and judge.user_id == user.id and judge.is_active


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
    if not is_signed_in(user):
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


def can_compute_results(
    user: User | None, challenge: Challenge, now: datetime | None = None
) -> bool:
    """Freezing a results snapshot: the sponsor's owners and managers while the challenge is
    judged (whether judging is far enough along is the call of
    ``judging.results.compute.compute_blocker``)."""
    return can_manage_judging(user, challenge) and challenge.phase(now) == Phase.JUDGING


def can_decide_results(user: User | None, challenge: Challenge) -> bool:
    """Approving winners or declining to award: the sponsor's owners and managers. A decision
    already taken is a conflict the service reports (409), not a missing permission."""
    return (
        challenge.cancelled_at is None and org_role(user, challenge.organization) in SPONSOR_ROLES
    )


def can_view_results(user: User | None, challenge: Challenge) -> bool:
    """Results are public once the sponsor decided (approved winners or declined to award):
    deciding sets ``awarded_at``. Before that nobody sees them outside the judging dashboard."""
    return (
        challenge.published_at is not None
        and challenge.cancelled_at is None
        and challenge.awarded_at is not None
    )


def can_see_scores(user: User | None, submission: Submission) -> bool:
    """An entry's own per-judge criterion scores: its team, after publication, unless the
    openness profile keeps scores private (then the team reads the written feedback only)."""
    challenge = submission.challenge
    return (
        can_view_results(user, challenge)
        and challenge.judging_transparency != JudgingTransparency.PRIVATE
        and is_team_member(user, submission)
    )


# Community voting (docs/judging.md, "Eligibility"): why someone may not vote, as a key the
# page words itself.
VOTE_REFUSALS = {
    "voting_off": _l("Community voting is off for this challenge"),
    "not_open": _l("Voting opens when the challenge opens"),
    "closed": _l("Voting is closed"),
    "not_on_ballot": _l("Only submitted entries are on the ballot"),
    "not_screened_in": _l("Only entries that passed screening are on the ballot"),
    "sign_in": _l("Sign in to vote"),
    "hidden": _l("This entry is not public, so it is not on the ballot"),
    "team": _l("Team members can't vote on their own entry"),
    "judge": _l("Judges don't vote"),
    "sponsor": _l("The sponsor's people don't vote on their own challenge"),
    "unverified": _l("Verify your e-mail to vote"),
    "too_new": _l("Accounts can vote a few days after sign-up"),
}


def voter_eligible_from(user: User) -> datetime:
    """When a new account may start voting (``VOTER_MIN_AGE_DAYS`` after sign-up)."""
    days = current_app.config.get("VOTER_MIN_AGE_DAYS", 7) if has_app_context() else 7
    return user.created_at + timedelta(days=days)


def voting_refusal(submission: Submission, now: datetime | None = None) -> str | None:
    """Whether the entry is on an open ballot: community voting on, the challenge open or
    judged (until ``judging_ends_at`` and results), the entry submitted and screened in."""
    challenge = submission.challenge
    now = now or utcnow()
    if not challenge.community_voting:
        return "voting_off"
    phase = challenge.phase(now)
    if phase in {Phase.DRAFT, Phase.UPCOMING}:
        return "not_open"
    if phase not in {Phase.OPEN, Phase.JUDGING} or now >= challenge.judging_ends_at:
        return "closed"
    if submission.status != SubmissionStatus.SUBMITTED:
        return "not_on_ballot"
    screening = db.session.scalar(
        sa.select(JudgingSettings.screening).where(JudgingSettings.challenge_id == challenge.id)
    )
    if screening:
        admitted = sa.select(RoundEntry.submission_id).where(
            RoundEntry.challenge_id == challenge.id,
            RoundEntry.round == Round.EVALUATION,
            RoundEntry.submission_id == submission.id,
        )
        if db.session.scalar(admitted) is None:
            return "not_screened_in"
    return None


def panel_seat(user: User) -> sa.ColumnElement[bool]:
    """``Judge`` rows that seat ``user``: accepted, or invited (by account or e-mail) and not
    answered yet."""
    return sa.or_(
        sa.and_(
            Judge.user_id == user.id,
            Judge.status.in_([JudgeStatus.INVITED, JudgeStatus.ACCEPTED]),
        ),
        sa.and_(Judge.email == user.email, Judge.status == JudgeStatus.INVITED),
    )


def sits_on_panel(user: User, challenge: Challenge) -> bool:
    """An accepted judge, or one invited (by account or e-mail) who has not answered yet."""
    seat = panel_seat(user)
    query = sa.select(Judge.id).where(Judge.challenge_id == challenge.id, seat).limit(1)
    return db.session.scalar(query) is not None


def vote_refusal(
    user: User | None, submission: Submission, now: datetime | None = None
) -> str | None:
    """Why ``user`` may not vote on ``submission`` now (a ``VOTE_REFUSALS`` key), or None:
    an open ballot, an entry the voter can see, not their team's, not a judge of the
    challenge, a verified e-mail and an account at least ``VOTER_MIN_AGE_DAYS`` old."""
    now = now or utcnow()
    refusal = voting_refusal(submission, now)
    if refusal is not None:
        return refusal
    if not is_signed_in(user):
        return "sign_in"
    if not can_view_submission(user, submission, now):
        return "hidden"
    if is_team_member(user, submission):
        return "team"
    if sits_on_panel(user, submission.challenge):
        return "judge"
    if org_role(user, submission.challenge.organization) is not None:
        return "sponsor"
    if not user.is_verified:
        return "unverified"
    if now < voter_eligible_from(user):
        return "too_new"
    return None


def can_vote_on(user: User | None, submission: Submission) -> bool:
    return vote_refusal(user, submission) is None


TEMPLATE_POLICIES = {
    "can_compute_results": can_compute_results,
    "can_decide_results": can_decide_results,
    "can_view_judging": can_view_judging,
    "can_manage_judging": can_manage_judging,
    "can_respond_to_invitation": can_respond_to_invitation,
    "can_open_assignment": can_open_assignment,
    "can_declare_conflict": can_declare_conflict,
    "has_judging": has_judging,
    "can_remind_judges": can_remind_judges,
    "can_vote_on": can_vote_on,
    "vote_refusal": vote_refusal,
    "can_view_results": can_view_results,
    "can_see_scores": can_see_scores,
}

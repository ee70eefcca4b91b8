"""What judging adds to the submissions visibility policy: assigned judges see their entries,
and blind review withholds authors' names while a challenge is judged.

``create_app`` calls ``register_visibility_rules``, which hands both to
``submissions.visibility`` (submissions may not import judging), each as a predicate and as
the same rule in SQL.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from accounts.models import Membership, User
from accounts.policies import is_signed_in
from challenges.models import Challenge
from core.db import db
from judging.models import Assignment, AssignmentState, Judge, JudgeStatus, JudgingSettings
from judging.policies import panel_seat
from submissions.models import Submission
from submissions.visibility import register_names_rule, register_viewer_rule


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


def _blind_now() -> sa.ColumnElement[bool]:
    """Challenges under blind review now, as SQL over ``Challenge``: blind review on (the
    default, also without a settings row) until results are published or it is cancelled."""
    switched_off = sa.exists().where(
        JudgingSettings.challenge_id == Challenge.id, JudgingSettings.blind_review.is_(False)
    )
    return sa.and_(
        Challenge.awarded_at.is_(None), Challenge.cancelled_at.is_(None), sa.not_(switched_off)
    )


def blind_review_condition(user: User | None) -> sa.ColumnElement[bool]:
    """Where blind review withholds authors' names from ``user``: every challenge under blind
    review, except, for the sponsor's members, their own challenges they do not judge."""
    if not is_signed_in(user):
        return _blind_now()
    sponsor = Challenge.org_id.in_(
        sa.select(Membership.org_id).where(Membership.user_id == user.id)
    )
    seated = sa.exists().where(Judge.challenge_id == Challenge.id, panel_seat(user))
    return sa.and_(_blind_now(), sa.or_(sa.not_(sponsor), seated))


def blind_review_hides(user: User | None, challenge: Challenge) -> bool:
    """Whether blind review withholds the names of the challenge's authors from ``user`` now.

    From the first submission until results are published: a judge can browse the public
    gallery, the API or a profile anonymously, so names stay off every surface for everyone
    but the team, admins (``submissions.visibility`` exempts both) and sponsor members who do
    not sit on the panel."""
    if challenge.awarded_at is not None or challenge.cancelled_at is not None:
        return False
    query = sa.select(sa.literal(True)).select_from(Challenge).where(Challenge.id == challenge.id)
    return bool(db.session.scalar(query.where(blind_review_condition(user))))


def register_visibility_rules() -> None:
    """Add judging's rules to the submissions visibility policy (idempotent: one app per test)."""
    register_viewer_rule(judge_can_view, judge_view_condition)
    register_names_rule(blind_review_hides, blind_review_condition)


def judges_blind_to(user: User | None, submission: Submission) -> bool:
    """True when ``user`` judges this entry under blind review: pages must then hide names,
    handles, avatars, team and organization and show only the entry's blind label."""
    if not is_signed_in(user):
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

"""Account deletion: an entry still in the running keeps its author; invitations to the
person lapse (see accounts/deletion.py). Entries themselves stay, under their attribution."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import gettext as _

from accounts.deletion import Obstacle, register_blocker, register_cleanup
from accounts.models import User
from challenges.models import Challenge
from core.db import db, utcnow
from submissions.models import InviteStatus, Submission, SubmissionStatus, TeamInvite, TeamMember


def _entries_in_the_running(user: User) -> list[Obstacle]:
    """Submitted entries on the person's team in challenges neither awarded nor cancelled:
    the sponsor may still judge them and award a prize to the team."""
    rows = db.session.execute(
        sa.select(Submission, Challenge)
        .join(TeamMember, TeamMember.submission_id == Submission.id)
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(
            TeamMember.user_id == user.id,
            Submission.status == SubmissionStatus.SUBMITTED,
            Challenge.cancelled_at.is_(None),
            Challenge.awarded_at.is_(None),
        )
        .order_by(Challenge.closes_at, Submission.id)
    ).all()
    return [
        Obstacle(
            _(
                "Your entry to %(challenge)s is still in the running: withdraw it before the "
                "deadline, or wait until the results are out.",
                challenge=challenge.title,
            ),
            url_for("submissions.show", submission_id=submission.id),
            submission.title or challenge.title,
        )
        for submission, challenge in rows
    ]


def _decline_team_invites(user: User) -> None:
    db.session.execute(
        sa.update(TeamInvite)
        .where(
            sa.or_(TeamInvite.user_id == user.id, TeamInvite.email == user.email),
            TeamInvite.status == InviteStatus.PENDING,
        )
        .values(status=InviteStatus.DECLINED, responded_at=utcnow())
    )


def register_deletion_parts(app: Flask) -> None:
    register_blocker(app, "entries", _entries_in_the_running)
    register_cleanup(app, "team_invites", _decline_team_invites)

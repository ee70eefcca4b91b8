"""Account deletion: a judge with reviews due on a live challenge finishes them first; seats
keep their reviews, the address on them is erased (see accounts/deletion.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import gettext as _

from accounts.deletion import Obstacle, deleted_email, register_blocker, register_cleanup
from accounts.models import User
from challenges.models import Challenge
from core.db import db
from judging.models import Assignment, AssignmentState, Judge, JudgeStatus


def _reviews_due(user: User) -> list[Obstacle]:
    """Accepted seats with unsubmitted assignments on challenges neither awarded nor
    cancelled: the entrants are waiting for those reviews."""
    challenges = db.session.scalars(
        sa.select(Challenge)
        .join(Judge, Judge.challenge_id == Challenge.id)
        .join(Assignment, Assignment.judge_id == Judge.id)
        .where(
            Judge.user_id == user.id,
            Judge.status == JudgeStatus.ACCEPTED,
            Assignment.state.in_([AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS]),
            Challenge.cancelled_at.is_(None),
            Challenge.awarded_at.is_(None),
        )
        .distinct()
        .order_by(Challenge.id)
    ).all()
    return [
        Obstacle(
            _(
                "You have reviews due for %(challenge)s: finish them, or ask the sponsor to "
                "take you off the panel.",
                challenge=challenge.title,
            ),
            url_for("judging.my_assignments"),
            _("Your judging"),
        )
        for challenge in challenges
    ]


def _erase_seat_addresses(user: User) -> None:
    db.session.execute(
        sa.update(Judge).where(Judge.user_id == user.id).values(email=deleted_email(user))
    )


def register_deletion_parts(app: Flask) -> None:
    register_blocker(app, "reviews_due", _reviews_due)
    register_cleanup(app, "judge_seats", _erase_seat_addresses)

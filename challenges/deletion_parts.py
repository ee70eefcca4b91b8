"""Account deletion: a live challenge keeps its last owner; follows go with the account."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import gettext as _

from accounts.deletion import Obstacle, register_blocker, register_cleanup, sole_owned_organizations
from accounts.models import User
from challenges.models import Challenge, Follow
from core.db import db


def _live_challenges(user: User) -> list[Obstacle]:
    """Challenges published (or funded) and neither awarded nor cancelled, of organizations
    the person is the only owner of: entrants, judges and the purse depend on an owner."""
    org_ids = [org.id for org in sole_owned_organizations(user)]
    if not org_ids:
        return []
    challenges = db.session.scalars(
        sa.select(Challenge)
        .where(
            Challenge.org_id.in_(org_ids),
            Challenge.cancelled_at.is_(None),
            Challenge.awarded_at.is_(None),
            sa.or_(Challenge.published_at.is_not(None), Challenge.funded_amount > 0),
        )
        .order_by(Challenge.closes_at, Challenge.id)
    )
    return [
        Obstacle(
            _(
                "You are the only owner of %(org)s, which runs %(challenge)s: a live challenge "
                "cannot be abandoned. Make someone else an owner, or finish or cancel it first.",
                org=challenge.organization.name,
                challenge=challenge.title,
            ),
            url_for("challenges.show", slug=challenge.slug),
            challenge.title,
        )
        for challenge in challenges
    ]


def _forget_follows(user: User) -> None:
    db.session.execute(sa.delete(Follow).where(Follow.user_id == user.id))


def register_deletion_parts(app: Flask) -> None:
    register_blocker(app, "live_challenges", _live_challenges)
    register_cleanup(app, "follows", _forget_follows)

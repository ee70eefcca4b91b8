"""A challenge's judging settings and rubric criteria, as every part of judging reads them."""

from __future__ import annotations

import sqlalchemy as sa

from challenges.models import Challenge
from core.db import db
from judging.models import Criterion, JudgingSettings


def settings_for(challenge: Challenge) -> JudgingSettings:
    """The challenge's judging settings; an unsaved default (k=3, blind) when none exist yet."""
    settings = db.session.get(JudgingSettings, challenge.id)
    return settings or JudgingSettings(challenge_id=challenge.id, k=3, blind_review=True)


def ensure_settings(challenge: Challenge) -> JudgingSettings:
    """The settings row, created in the caller's transaction when missing (flushes)."""
    settings = db.session.get(JudgingSettings, challenge.id)
    if settings is None:
        settings = JudgingSettings(challenge_id=challenge.id, k=3, blind_review=True)
        db.session.add(settings)
        db.session.flush()
    return settings


def criteria_of(challenge: Challenge) -> list[Criterion]:
    return list(
        db.session.scalars(
            sa.select(Criterion)
            .where(Criterion.challenge_id == challenge.id)
            .order_by(Criterion.position)
        )
    )

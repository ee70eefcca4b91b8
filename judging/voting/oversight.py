"""Oversight of community votes: the admins' quarantine review and the sponsor's People's
Choice settings (tier, optional blend weight)."""

from __future__ import annotations

import math

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from accounts.models import User
from accounts.policies import is_admin
from challenges.models import Challenge, PrizeTier
from core.audit import record
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed, ensure
from judging.models import MAX_COMMUNITY_WEIGHT, JudgingSettings
from judging.policies import can_manage_judging
from judging.settings import ensure_settings
from judging.voting.models import Vote, VoteReview
from submissions.models import Submission

QUEUE_LIMIT = 200


def get_vote(vote_id: int) -> Vote:
    vote = db.session.get(Vote, vote_id)
    if vote is None:
        raise NotFound(_("This vote no longer exists: its voter withdrew it."))
    return vote


def quarantine_queue(limit: int = QUEUE_LIMIT) -> list[Vote]:
    """Flagged votes waiting for an admin, oldest challenge first, then entry and vote."""
    return list(
        db.session.scalars(
            sa.select(Vote)
            .join(Submission, Submission.id == Vote.submission_id)
            .where(Vote.quarantined.is_(True), Vote.review.is_(None))
            .options(
                joinedload(Vote.user),
                joinedload(Vote.submission).joinedload(Submission.challenge),
            )
            .order_by(Submission.challenge_id, Vote.submission_id, Vote.id)
            .limit(limit)
        )
    )


def review_vote(*, actor: User, vote: Vote, decision: VoteReview | str) -> Vote:
    """A platform admin decides a quarantined vote: ``counted`` lets it count, ``discarded``
    keeps the row on record without counting it. Recorded with reviewer, time and an audit
    entry; a decided vote is not decided again."""
    ensure(is_admin(actor), _("Only platform admins review quarantined votes."))
    try:
        decision = VoteReview(decision)
    except ValueError:
        raise ValidationFailed(_("Choose “Count it” or “Discard”.")) from None
    locked = db.session.scalars(
        sa.select(Vote)
        .where(Vote.id == vote.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if locked is None:
        db.session.rollback()
        raise NotFound(_("This vote no longer exists: its voter withdrew it."))
    if not locked.quarantined or locked.review is not None:
        db.session.rollback()
        raise Conflict(_("This vote was already reviewed or is not in quarantine."))
    locked.review, locked.reviewed_at, locked.reviewed_by_id = decision, utcnow(), actor.id
    record(
        actor.id,
        f"vote.{decision.value}",
        "vote",
        locked.id,
        f"entry {locked.submission_id}, voter {locked.user_id}, value {locked.value:+d}, "
        f"flags {locked.flag_reasons}",
    )
    db.session.commit()
    return locked


def set_community_settings(
    *,
    actor: User,
    challenge: Challenge,
    peoples_choice_tier_id: int | None,
    community_weight: float,
) -> JudgingSettings:
    """Choose the prize tier the community's favourite wins (People's Choice, or none) and
    the weight, 0 to 0.3, of the community ranking blended into the expert one (0 keeps
    People's Choice separate). The sponsor's owners and managers, until results."""
    ensure(can_manage_judging(actor, challenge), _("Only the sponsor's owners and managers can."))
    weight = float(community_weight)
    if not math.isfinite(weight) or not 0 <= weight <= MAX_COMMUNITY_WEIGHT:
        raise ValidationFailed(
            _(
                "The community weight must be between 0 and %(most)s.",
                most=MAX_COMMUNITY_WEIGHT,
            ),
            field="community_weight",
        )
    if peoples_choice_tier_id is not None:
        tier = db.session.get(PrizeTier, peoples_choice_tier_id)
        if tier is None or tier.challenge_id != challenge.id:
            raise ValidationFailed(
                _("Choose one of this challenge's prize tiers."), field="peoples_choice_tier"
            )
    if not challenge.community_voting and (peoples_choice_tier_id is not None or weight > 0):
        raise ValidationFailed(
            _(
                "Community voting is off for this challenge: turn it on in the challenge "
                "settings first."
            ),
            field="peoples_choice_tier",
        )
    settings = ensure_settings(challenge)
    settings.peoples_choice_tier_id = peoples_choice_tier_id
    settings.community_weight = weight
    record(
        actor.id,
        "judging.community_settings",
        "challenge",
        challenge.id,
        f"People's Choice tier {peoples_choice_tier_id or 'none'}, weight {weight:g}",
    )
    db.session.commit()
    return settings

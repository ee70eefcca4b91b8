"""The rubric: criteria, weights, anchors, k, passing score (docs/judging.md, "Rubric scoring")."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import User
from challenges.models import Challenge
from challenges.notifications import FollowerNews, tell_followers
from challenges.services import record_rules_change
from core.db import db
from core.errors import Conflict, ValidationFailed, ensure
from judging.models import (
    MAX_K,
    MAX_WEIGHT,
    Assignment,
    Criterion,
    JudgingSettings,
    Review,
)
from judging.policies import can_manage_judging, rubric_is_free
from judging.settings import criteria_of, ensure_settings
from submissions.models import Submission

MAX_CRITERIA = 10
_PARKED = 1000  # positions are moved out of the way while rows are reordered


@dataclass(frozen=True)
class CriterionInput:
    name: str
    weight: int
    guidance: str = ""
    anchor_low: str = ""
    anchor_high: str = ""


def validate_rubric(
    criteria: list[CriterionInput], passing_score: float | None, k: int
) -> list[CriterionInput]:
    """Return the criteria trimmed, or raise ``ValidationFailed`` naming the first problem."""
    if not 1 <= len(criteria) <= MAX_CRITERIA:
        raise ValidationFailed(
            _("A rubric needs between 1 and %(most)s criteria.", most=MAX_CRITERIA),
            field="criteria",
        )
    cleaned, seen = [], set()
    for index, item in enumerate(criteria, start=1):
        name = item.name.strip()
        if not name or len(name) > 80:
            raise ValidationFailed(
                _("Criterion %(number)s needs a name of at most 80 characters.", number=index),
                field="criteria",
            )
        if name.lower() in seen:
            raise ValidationFailed(
                _("Two criteria are called “%(name)s”: names must differ.", name=name),
                field="criteria",
            )
        seen.add(name.lower())
        weight = item.weight
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= MAX_WEIGHT:
            raise ValidationFailed(
                _(
                    "The weight of “%(name)s” must be a whole number from 1 to %(most)s.",
                    name=name,
                    most=MAX_WEIGHT,
                ),
                field="criteria",
            )
        anchors = (item.anchor_low.strip(), item.anchor_high.strip())
        if any(len(anchor) > 300 for anchor in anchors) or len(item.guidance) > 5000:
            raise ValidationFailed(
                _("“%(name)s”: anchors take at most 300 characters, guidance 5000.", name=name),
                field="criteria",
            )
        cleaned.append(CriterionInput(name, weight, item.guidance.strip(), *anchors))
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise ValidationFailed(
            _("Judges per entry must be from 1 to %(most)s.", most=MAX_K), field="k"
        )
    if passing_score is not None and not 0 <= passing_score <= 100:
        raise ValidationFailed(_("The passing score must be from 0 to 100."), field="passing_score")
    return cleaned


def set_rubric(
    *,
    actor: User,
    challenge: Challenge,
    criteria: list[CriterionInput],
    passing_score: float | None,
    k: int,
    blind_review: bool | None = None,
) -> JudgingSettings:
    """Save the rubric. Free until the challenge opens; afterwards criteria, the passing score
    and blind review change only through ``change_rubric_with_note`` (a new rules version).
    Judges per entry (k) is panel logistics and may change at any time."""
    ensure(can_manage_judging(actor, challenge), _("Only the sponsor's owners and managers can."))
    cleaned = validate_rubric(criteria, passing_score, k)
    settings = ensure_settings(challenge)
    if not rubric_is_free(challenge) and _changes(
        challenge, settings, cleaned, passing_score, blind_review
    ):
        db.session.rollback()
        raise Conflict(
            _(
                "The challenge is open: changing the rubric now needs a change note for "
                "entrants and creates a new rules version."
            )
        )
    _apply(challenge, settings, cleaned, passing_score, k, blind_review)
    db.session.commit()
    return settings


def change_rubric_with_note(
    *,
    actor: User,
    challenge: Challenge,
    criteria: list[CriterionInput],
    passing_score: float | None,
    k: int,
    note: str,
    blind_review: bool | None = None,
) -> JudgingSettings:
    """Change the rubric of an open challenge as a new rules version with ``note`` (the change
    log entrants see; followers are e-mailed after the commit). Refused once any review has
    been submitted, since those scores were given under the old rubric."""
    ensure(can_manage_judging(actor, challenge), _("Only the sponsor's owners and managers can."))
    cleaned = validate_rubric(criteria, passing_score, k)
    settings = ensure_settings(challenge)
    changed = _changes(challenge, settings, cleaned, passing_score, blind_review)
    if changed and not rubric_is_free(challenge):
        if _has_submitted_reviews(challenge):
            db.session.rollback()
            raise Conflict(
                _("Judges have already submitted reviews under this rubric; it is fixed.")
            )
        record_rules_change(challenge, actor, changed, note)
    _apply(challenge, settings, cleaned, passing_score, k, blind_review)
    if changed and not rubric_is_free(challenge):
        tell_followers(
            challenge,
            FollowerNews.RULES,
            {
                "title": challenge.title,
                "version": challenge.rules_version,
                "changed": ", ".join(changed),
                "note": note.strip(),
            },
        )
    db.session.commit()
    return settings


def _changes(
    challenge: Challenge,
    settings: JudgingSettings,
    criteria: list[CriterionInput],
    passing_score: float | None,
    blind_review: bool | None,
) -> list[str]:
    old = [
        (c.name, c.weight, c.guidance, c.anchor_low, c.anchor_high) for c in criteria_of(challenge)
    ]
    new = [(c.name, c.weight, c.guidance, c.anchor_low, c.anchor_high) for c in criteria]
    changed = ["judging criteria"] if old != new else []
    if settings.passing_score != passing_score:
        changed.append("passing score")
    if blind_review is not None and settings.blind_review != blind_review:
        changed.append("blind review")
    return changed


def _apply(
    challenge: Challenge,
    settings: JudgingSettings,
    criteria: list[CriterionInput],
    passing_score: float | None,
    k: int,
    blind_review: bool | None,
) -> None:
    # Criteria are matched by name so a kept criterion keeps its id (and judges' draft scores);
    # positions are parked first so the (challenge, position) key never sees two rows at once.
    existing = {c.name.lower(): c for c in criteria_of(challenge)}
    wanted = {c.name.lower() for c in criteria}
    for key, row in existing.items():
        if key not in wanted:
            db.session.delete(row)
        else:
            row.position += _PARKED
    db.session.flush()
    for position, item in enumerate(criteria, start=1):
        row = existing.get(item.name.lower()) or Criterion(challenge_id=challenge.id)
        row.position, row.name, row.weight = position, item.name, item.weight
        row.guidance, row.anchor_low, row.anchor_high = (
            item.guidance,
            item.anchor_low,
            item.anchor_high,
        )
        db.session.add(row)
    settings.passing_score = passing_score
    settings.k = k
    if blind_review is not None:
        settings.blind_review = blind_review
    db.session.flush()


def _has_submitted_reviews(challenge: Challenge) -> bool:
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists()
                .where(Review.submitted_at.is_not(None))
                .where(Review.assignment_id == Assignment.id)
                .where(Assignment.submission_id == Submission.id)
                .where(Submission.challenge_id == challenge.id)
            )
        )
    )

"""Challenge lifecycle: draft, edit (rules versions after publication), review, publish, cancel."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import Membership, Organization, OrgRole, User
from challenges.drafts import ChallengeInput, validate_input
from challenges.models import (
    Challenge,
    ChallengeUpdate,
    Phase,
    PrizeTier,
    ReviewState,
    RulesChange,
    changed_words,
)
from challenges.notifications import FollowerNews, tell_followers
from challenges.policies import (
    can_cancel_challenge,
    can_create_challenge,
    can_edit_challenge,
    can_review_challenge,
    can_submit_for_review,
    is_sponsor_manager,
)
from challenges.signals import challenge_cancelled
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed, ensure
from core.i18n import recipient_locale
from core.mail import send_mail
from core.slugs import unique_slug
from core.urls import external_url

# Changing any of these after publication creates a new rules version with a change note.
RULES_FIELDS = {
    "rules_md": "rules",
    "eligibility_md": "eligibility",
    "opens_at": "opening time",
    "closes_at": "deadline",
    "judging_ends_at": "end of judging",
    "max_team_size": "team size",
}
# These are promises to entrants and the money already held: fixed once published.
LOCKED_AFTER_PUBLICATION = {
    "currency": _l("The currency cannot change after publication: entrants rely on it."),
    "solution_visibility": _l(
        "The solution visibility cannot change after publication: entrants rely on it."
    ),
    "submission_license": _l("The license cannot change after publication: entrants rely on it."),
    "ip_on_award": _l("The IP terms cannot change after publication: entrants rely on it."),
    "judging_transparency": _l(
        "The judging transparency cannot change after publication: entrants rely on it."
    ),
    "community_voting": _l(
        "The community voting cannot change after publication: entrants rely on it."
    ),
}
FREE_FIELDS = ("title", "summary", "category", "description_md", "timezone")


def get_challenge(slug: str) -> Challenge:
    challenge = db.session.scalar(sa.select(Challenge).where(Challenge.slug == slug))
    if challenge is None:
        raise NotFound(_("There is no challenge at this address."))
    return challenge


def lock_challenge(challenge_id: int) -> Challenge:
    """Re-read the challenge with a row lock (a no-op on SQLite, which locks the database)."""
    return db.session.scalars(
        sa.select(Challenge)
        .where(Challenge.id == challenge_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def create_challenge(*, actor: User, org: Organization, data: ChallengeInput) -> Challenge:
    """Save a new draft for ``org``; only owners and managers may."""
    ensure(can_create_challenge(actor, org), _("Only owners and managers can draft challenges."))
    validate_input(data, utcnow())
    challenge = Challenge(
        org_id=org.id,
        organization=org,
        slug=unique_slug(Challenge.slug, data.title, max_length=70),
        created_by_id=actor.id,
    )
    _apply_fields(
        challenge, data, FREE_FIELDS + tuple(RULES_FIELDS) + tuple(LOCKED_AFTER_PUBLICATION)
    )
    challenge.tags = ",".join(data.tags)
    _replace_tiers(challenge, data)
    db.session.add(challenge)
    db.session.commit()
    return challenge


def update_challenge(*, actor: User, challenge: Challenge, data: ChallengeInput) -> Challenge:
    """Edit a challenge. Before publication anything goes (an approved draft returns to review).

    After publication, currency and the openness profile are fixed, prizes may only go up, and
    changes to rules, eligibility, deadlines, team size or prizes need a change note; they raise
    ``rules_version``, are logged, and followers are told.
    """
    _refuse_edit_after_the_end(actor, challenge)
    ensure(can_edit_challenge(actor, challenge), _("You cannot edit this challenge."))
    now = utcnow()
    validate_input(data, now)
    if challenge.published_at is None:
        _apply_fields(
            challenge, data, FREE_FIELDS + tuple(RULES_FIELDS) + tuple(LOCKED_AFTER_PUBLICATION)
        )
        challenge.tags = ",".join(data.tags)
        _replace_tiers(challenge, data)
        if challenge.review_state == ReviewState.APPROVED:
            challenge.review_state = ReviewState.DRAFT
            challenge.approved_at = None
        db.session.commit()
        return challenge
    _check_published_edit(challenge, data, now)
    changed = [
        label
        for name, label in RULES_FIELDS.items()
        if getattr(challenge, name) != getattr(data, name)
    ]
    if _tiers_changed(challenge, data):
        changed.append("prizes")
    if changed and not data.change_note.strip():
        raise ValidationFailed(
            _(
                "Describe what changed for entrants: this edit changes the %(changed)s.",
                changed=changed_words(", ".join(changed)),
            ),
            field="change_note",
        )
    _apply_fields(challenge, data, FREE_FIELDS + tuple(RULES_FIELDS))
    challenge.tags = ",".join(data.tags)
    if "prizes" in changed:
        _replace_tiers(challenge, data)
    if changed:
        _record_rules_change(challenge, actor, changed, data.change_note.strip())
        tell_followers(
            challenge,
            FollowerNews.RULES,
            {
                "title": challenge.title,
                "version": challenge.rules_version,
                "changed": ", ".join(changed),
                "note": data.change_note.strip(),
            },
        )
    db.session.commit()
    return challenge


def _refuse_edit_after_the_end(actor: User, challenge: Challenge) -> None:
    """The sponsor's edit of a challenge cancelled or decided meanwhile (another tab, a
    co-owner): a conflict the form shows with the text kept, rather than a bare 403."""
    if not is_sponsor_manager(actor, challenge):
        return
    if challenge.cancelled_at is not None:
        raise Conflict(
            _(
                "This challenge was cancelled since you opened the form, so it can no longer be "
                "edited and nothing was saved. Your text is kept below: copy it if you want to "
                "keep it."
            )
        )
    if challenge.awarded_at is not None:
        raise Conflict(
            _(
                "This challenge has its results decided since you opened the form, so it can no "
                "longer be edited and nothing was saved. Your text is kept below: copy it if you "
                "want to keep it."
            )
        )


def _apply_fields(challenge: Challenge, data: ChallengeInput, names: tuple[str, ...]) -> None:
    for name in names:
        value = getattr(data, name)
        setattr(challenge, name, value.strip() if isinstance(value, str) else value)


def _replace_tiers(challenge: Challenge, data: ChallengeInput) -> None:
    # Update in place so the (challenge, place) unique key never sees two rows at once.
    tiers = challenge.prize_tiers
    for index, tier_input in enumerate(data.tiers):
        if index < len(tiers):
            tiers[index].label = tier_input.label.strip()
            tiers[index].amount = tier_input.amount
        else:
            tiers.append(
                PrizeTier(place=index + 1, label=tier_input.label.strip(), amount=tier_input.amount)
            )
    del tiers[len(data.tiers) :]
    challenge.purse_amount = data.purse_amount


def _tiers_changed(challenge: Challenge, data: ChallengeInput) -> bool:
    old = [(tier.label, tier.amount) for tier in challenge.prize_tiers]
    return old != [(tier.label.strip(), tier.amount) for tier in data.tiers]


def _check_published_edit(challenge: Challenge, data: ChallengeInput, now: datetime) -> None:
    for name, refusal in LOCKED_AFTER_PUBLICATION.items():
        if getattr(challenge, name) != getattr(data, name):
            raise ValidationFailed(str(refusal), field=name)
    if challenge.phase(now) != Phase.UPCOMING and data.opens_at != challenge.opens_at:
        raise ValidationFailed(
            _("The challenge is already open: its opening time is fixed."), field="opens_at"
        )
    old_tiers = challenge.prize_tiers
    if len(data.tiers) < len(old_tiers):
        raise ValidationFailed(
            _("Published prizes cannot be removed; they may only go up."), field="tiers"
        )
    for old, new in zip(old_tiers, data.tiers, strict=False):
        if new.amount < old.amount:
            raise ValidationFailed(
                _(
                    "“%(prize)s” cannot go below its published amount; prizes may only go up.",
                    prize=old.label,
                ),
                field="tiers",
            )


def _record_rules_change(challenge: Challenge, actor: User, changed: list[str], note: str) -> None:
    challenge.rules_version += 1
    db.session.add(
        RulesChange(
            challenge_id=challenge.id,
            version=challenge.rules_version,
            note=note,
            changed_fields=", ".join(changed)[:200],
            author_id=actor.id,
        )
    )
    db.session.add(
        ChallengeUpdate(
            challenge_id=challenge.id,
            author_id=actor.id,
            # Stored: written in the language of the sponsor who made the change.
            title=_("Rules version %(num)s", num=challenge.rules_version),
            body=_("Changed: %(changed)s.", changed=changed_words(", ".join(changed)))
            + f"\n\n{note}",
        )
    )


def record_rules_change(challenge: Challenge, actor: User, changed: list[str], note: str) -> None:
    """Log a change another domain made to what entrants rely on (e.g. the judging rubric) as a
    new rules version with its visible change note. Flushes in the caller's transaction; the
    caller commits and then tells followers (``tell_followers`` with ``FollowerNews.RULES``)."""
    if not note.strip():
        raise ValidationFailed(
            _(
                "Describe what changed for entrants: this changes the %(changed)s.",
                changed=changed_words(", ".join(changed)),
            ),
            field="change_note",
        )
    _record_rules_change(challenge, actor, changed, note.strip())
    db.session.flush()


def submit_for_review(*, actor: User, challenge: Challenge) -> Challenge:
    """Send a draft to the admins' queue (approved at once when ``REVIEW_REQUIRED`` is off)."""
    ensure(can_submit_for_review(actor, challenge), _("This challenge cannot be submitted now."))
    if challenge.closes_at <= utcnow():
        raise ValidationFailed(
            _("The closing time has passed. Move the deadline before submitting.")
        )
    challenge.submitted_for_review_at = utcnow()
    if not current_app.config["REVIEW_REQUIRED"]:
        _approve(challenge)
        db.session.commit()
        return challenge
    challenge.review_state = ReviewState.IN_REVIEW
    admins = db.session.scalars(sa.select(User).where(User.is_admin.is_(True))).all()
    link = external_url("challenges.review_queue")
    for admin in admins:
        with recipient_locale(admin):
            send_mail(
                admin.email,
                _("Challenge to review: %(title)s", title=challenge.title),
                _("Review it here: %(link)s", link=link) + "\n",
            )
    db.session.commit()
    return challenge


def approve_challenge(*, actor: User, challenge: Challenge, comment: str = "") -> Challenge:
    """Admin approval; the challenge is published as soon as its purse is also funded."""
    ensure(
        can_review_challenge(actor, challenge),
        _("Only platform admins review challenges in review."),
    )
    challenge.review_comment = comment.strip()
    _approve(challenge)
    tell_sponsor(
        challenge,
        _l("Approved: %(title)s", title=challenge.title),
        _l("Your challenge was approved. It is now published.")
        if challenge.published_at
        else _l("Your challenge was approved. Fund the prize purse to publish it."),
    )
    db.session.commit()
    return challenge


def _approve(challenge: Challenge) -> None:
    challenge.review_state = ReviewState.APPROVED
    challenge.approved_at = utcnow()
    _publish_if_ready(challenge)


def request_changes(*, actor: User, challenge: Challenge, comment: str) -> Challenge:
    """Admin sends the draft back with a comment the sponsor sees."""
    ensure(
        can_review_challenge(actor, challenge),
        _("Only platform admins review challenges in review."),
    )
    if not comment.strip():
        raise ValidationFailed(_("Tell the sponsor what to change."), field="comment")
    challenge.review_state = ReviewState.CHANGES_REQUESTED
    challenge.review_comment = comment.strip()
    tell_sponsor(
        challenge, _l("Changes requested: %(title)s", title=challenge.title), comment.strip()
    )
    db.session.commit()
    return challenge


def record_funds_received(challenge_id: int, amount: int) -> Challenge:
    """Called by payments inside its webhook transaction (flushes, never commits)."""
    challenge = lock_challenge(challenge_id)
    challenge.funded_amount += amount
    if challenge.funded_at is None:
        challenge.funded_at = utcnow()
    _publish_if_ready(challenge)
    db.session.flush()
    return challenge


def record_awarded(challenge_id: int) -> Challenge:
    """Called by judging inside its approve/decline transaction (flushes, never commits): the
    results are decided, so the challenge moves to its awarded phase."""
    challenge = lock_challenge(challenge_id)
    if challenge.awarded_at is not None:
        raise Conflict(_("The results of this challenge were already decided."))
    challenge.awarded_at = utcnow()
    db.session.flush()
    return challenge


def _publish_if_ready(challenge: Challenge) -> None:
    ready = (
        challenge.review_state == ReviewState.APPROVED
        and challenge.funded_amount >= challenge.purse_amount > 0
        and challenge.cancelled_at is None
    )
    if ready and challenge.published_at is None:
        challenge.published_at = utcnow()


def cancel_challenge(*, actor: User, challenge: Challenge, reason: str) -> Challenge:
    """Cancel before results; any funded purse is refunded in full (by payments, after commit)."""
    if challenge.cancelled_at is not None:
        raise Conflict(_("This challenge is already cancelled."))
    ensure(
        can_cancel_challenge(actor, challenge),
        _("Only owners can cancel, and only before results."),
    )
    if len(reason.strip()) < 10:
        raise ValidationFailed(
            _("Explain the cancellation to entrants (at least 10 characters)."), field="reason"
        )
    # One atomic conditional update: of two simultaneous cancels exactly one wins, on any database.
    won = db.session.execute(
        sa.update(Challenge)
        .where(Challenge.id == challenge.id, Challenge.cancelled_at.is_(None))
        .values(cancelled_at=utcnow(), cancel_reason=reason.strip())
    ).rowcount
    if won != 1:
        db.session.rollback()
        raise Conflict(_("This challenge is already cancelled."))
    tell_followers(
        challenge, FollowerNews.CANCELLED, {"title": challenge.title, "reason": reason.strip()}
    )
    db.session.commit()
    db.session.refresh(challenge)
    challenge_cancelled.send(current_app._get_current_object(), challenge_id=challenge.id)
    return challenge


def tell_sponsor(challenge: Challenge, subject: str, body: str) -> None:
    """E-mail the sponsor's owners and managers, with a link to the challenge (in the caller's
    transaction: the caller commits). A lazy ``subject`` or ``body`` (``lazy_gettext``) is
    written in each recipient's language."""
    people = db.session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.org_id == challenge.org_id,
            Membership.role.in_([OrgRole.OWNER, OrgRole.MANAGER]),
        )
        .order_by(User.id)
    ).all()
    link = external_url("challenges.show", slug=challenge.slug)
    for person in people:
        with recipient_locale(person):
            send_mail(person.email, str(subject), f"{body}\n\n{link}\n")


def pending_reviews() -> list[Challenge]:
    return list(
        db.session.scalars(
            sa.select(Challenge)
            .where(
                Challenge.review_state == ReviewState.IN_REVIEW, Challenge.cancelled_at.is_(None)
            )
            .options(sa.orm.joinedload(Challenge.organization))
            .order_by(Challenge.submitted_for_review_at)
        )
    )


def record_entrant_count(challenge_id: int, count: int) -> None:
    """Called by submissions in its own transaction (flushes, never commits)."""
    db.session.execute(
        sa.update(Challenge).where(Challenge.id == challenge_id).values(entrant_count=count)
    )

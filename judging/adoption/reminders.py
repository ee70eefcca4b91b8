"""Reminders to sponsors at 3, 6 and 12 months after the award while no adoption update
came in since the previous milestone (since the award, for the first).

Each (challenge, milestone) is mailed at most once: the ``adoption_reminders`` row and the
e-mails (outbox jobs) commit together, and the row's unique key refuses a second one, so a
rerun or a second scheduler never mails twice. Only the latest milestone due is sent, and only
within ``GRACE`` of it: a scheduler that was off for a year does not send three at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import Membership, OrgRole, User
from challenges.models import Challenge
from core.db import db, utcnow
from core.i18n import recipient_locale
from core.mail import send_mail
from core.urls import external_url
from judging.adoption.models import MILESTONES, AdoptionReminder, AdoptionUpdate

MONTH_DAYS = {0: 0, 3: 91, 6: 182, 12: 365}
GRACE = timedelta(days=60)


def milestone_at(awarded_at: datetime, months: int) -> datetime:
    return awarded_at + timedelta(days=MONTH_DAYS[months])


def due_milestone(awarded_at: datetime, now: datetime) -> int | None:
    """The latest milestone reached at ``now``, if it was reached less than ``GRACE`` ago."""
    reached = [m for m in MILESTONES if milestone_at(awarded_at, m) <= now]
    if not reached or now - milestone_at(awarded_at, reached[-1]) > GRACE:
        return None
    return reached[-1]


def _previous(milestone: int) -> int:
    index = MILESTONES.index(milestone)
    return MILESTONES[index - 1] if index else 0


def _sponsors(org_ids: set[int]) -> dict[int, list[User]]:
    rows = db.session.execute(
        sa.select(Membership.org_id, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.org_id.in_(org_ids),
            Membership.role.in_([OrgRole.OWNER, OrgRole.MANAGER]),
        )
        .order_by(User.id)
    )
    found: dict[int, list[User]] = {}
    for org_id, user in rows:
        found.setdefault(org_id, []).append(user)
    return found


def remind_sponsors(now: datetime | None = None) -> list[tuple[str, int]]:
    """Mail each due (challenge, milestone) once; returns what was sent as (slug, months)."""
    now = now or utcnow()
    since = now - timedelta(days=MONTH_DAYS[MILESTONES[-1]]) - GRACE
    candidates = db.session.scalars(
        sa.select(Challenge).where(
            Challenge.awarded_at.is_not(None),
            Challenge.awarded_at >= since,
            Challenge.awarded_at <= now - timedelta(days=MONTH_DAYS[MILESTONES[0]]),
            Challenge.cancelled_at.is_(None),
        )
    ).all()
    due = {c.id: m for c in candidates if (m := due_milestone(c.awarded_at, now)) is not None}
    if not due:
        return []
    sent_before = {
        (challenge_id, milestone)
        for challenge_id, milestone in db.session.execute(
            sa.select(AdoptionReminder.challenge_id, AdoptionReminder.milestone).where(
                AdoptionReminder.challenge_id.in_(due)
            )
        )
    }
    last_update = {
        challenge_id: latest
        for challenge_id, latest in db.session.execute(
            sa.select(AdoptionUpdate.challenge_id, sa.func.max(AdoptionUpdate.created_at))
            .where(AdoptionUpdate.challenge_id.in_(due))
            .group_by(AdoptionUpdate.challenge_id)
        )
    }
    sponsors = _sponsors({c.org_id for c in candidates if c.id in due})
    sent = []
    for challenge in candidates:
        milestone = due.get(challenge.id)
        if milestone is None or (challenge.id, milestone) in sent_before:
            continue
        window_start = milestone_at(challenge.awarded_at, _previous(milestone))
        latest = last_update.get(challenge.id)
        if latest is not None and latest >= window_start:
            continue
        if _claim(challenge, milestone, now, sponsors.get(challenge.org_id, [])):
            sent.append((challenge.slug, milestone))
    return sent


def _claim(challenge: Challenge, milestone: int, now: datetime, sponsors: list[User]) -> bool:
    """Record the reminder and queue its e-mails in one commit; False if already recorded."""
    db.session.add(AdoptionReminder(challenge_id=challenge.id, milestone=milestone, sent_at=now))
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        return False
    link = external_url("challenges.show", slug=challenge.slug) + "#impact"
    for user in sponsors:
        with recipient_locale(user):
            send_mail(
                user.email,
                _(
                    "%(months)s months since the award of %(title)s: what became of it?",
                    months=milestone,
                    title=challenge.title,
                ),
                _reminder_body(challenge, milestone) + f"\n{link}\n",
                kind="reminders",
            )
    db.session.commit()
    return True


def _reminder_body(challenge: Challenge, milestone: int) -> str:
    if milestone == MILESTONES[0]:
        since: str = _(
            "It is %(months)s months since %(title)s was awarded, and no adoption update has "
            "been recorded since the award.",
            months=milestone,
            title=challenge.title,
        )
    else:
        since = _(
            "It is %(months)s months since %(title)s was awarded, and no adoption update has "
            "been recorded since the last reminder.",
            months=milestone,
            title=challenge.title,
        )
    ask: str = _(
        "Tell the public what happened to each winning solution (evaluating, piloting, adopted "
        "or not adopted) from the challenge's Impact section:"
    )
    return f"{since}\n\n{ask}"

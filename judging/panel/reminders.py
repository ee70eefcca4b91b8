"""Reminders to judges with unfinished reviews: the sponsor's button and a daily scheduled job.

A judge's seat is reminded at most once per 24 hours (``Judge.reminded_at``), whoever sends
it. The claim and the e-mails (outbox jobs) commit together, so a crash or a second run never
mails the same judge twice and never records a reminder that was not sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from accounts.models import User
from challenges.models import Challenge
from core import audit
from core.db import db, utcnow
from core.errors import Conflict, ensure
from core.i18n import recipient_locale
from core.mail import send_mail
from core.text import plural
from core.timefmt import is_valid_zone
from core.urls import external_url
from judging.models import Assignment, AssignmentState, Judge, JudgeStatus
from judging.policies import can_manage_judging, in_judging_window, judging_window_open

THROTTLE = timedelta(hours=24)
CRON_LEAD = timedelta(days=3)
UNFINISHED = (AssignmentState.ASSIGNED, AssignmentState.IN_PROGRESS)


@dataclass(frozen=True)
class LateJudges:
    """Active judges with unfinished reviews, and how many of them a reminder would reach now."""

    late: int
    remindable: int


def _unfinished_counts(challenge: Challenge) -> dict[int, int]:
    """Judge id → standing, unsubmitted assignments, for accepted and attested judges only."""
    rows = db.session.execute(
        sa.select(Assignment.judge_id, sa.func.count())
        .join(Judge, Judge.id == Assignment.judge_id)
        .where(
            Judge.challenge_id == challenge.id,
            Assignment.state.in_(UNFINISHED),
            Judge.status == JudgeStatus.ACCEPTED,
            Judge.attested_at.is_not(None),
        )
        .group_by(Assignment.judge_id)
    )
    return {judge_id: count for judge_id, count in rows}


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(Judge.reminded_at.is_(None), Judge.reminded_at <= now - THROTTLE)


def late_judges(challenge: Challenge, now: datetime | None = None) -> LateJudges:
    """For the dashboard: how many judges are behind and how many could be reminded now."""
    now = now or utcnow()
    late = sa.and_(
        Judge.challenge_id == challenge.id,
        Judge.status == JudgeStatus.ACCEPTED,
        Judge.attested_at.is_not(None),
        sa.exists().where(Assignment.judge_id == Judge.id, Assignment.state.in_(UNFINISHED)),
    )
    remindable = sa.func.sum(sa.case((_due(now), 1), else_=0))
    row = db.session.execute(sa.select(sa.func.count(), remindable).where(late)).one()
    return LateJudges(int(row[0] or 0), int(row[1] or 0))


Claimed = list[tuple[int, str, int]]  # judge id, e-mail, unfinished assignments


def _claim(challenge: Challenge, now: datetime) -> Claimed:
    """Stamp ``reminded_at`` on every late judge not reminded in the last 24 h (flushes only).
    The row lock makes a concurrent run wait and then skip the judges claimed here."""
    counts = _unfinished_counts(challenge)
    if not counts:
        return []
    judges = db.session.scalars(
        sa.select(Judge)
        .where(Judge.id.in_(counts), _due(now))
        .order_by(Judge.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    for judge in judges:
        judge.reminded_at = now
    db.session.flush()
    return [(judge.id, judge.email, counts[judge.id]) for judge in judges]


def _local(when: datetime, zone_name: str) -> str:
    """``21 Nov 2026, 22:00 CET (Europe/Berlin)`` in the judge's zone (UTC if none is set)."""
    zone = ZoneInfo(zone_name if is_valid_zone(zone_name) else "UTC")
    local = when.astimezone(zone)
    label = local.tzname() or zone.key
    suffix = label if zone.key in {"UTC", label} else f"{label} ({zone.key})"
    return f"{local:%d %b %Y, %H:%M} {suffix}"


def _send(challenge: Challenge, claimed: Claimed) -> None:
    """Mail the claimed judges (in the transaction that records the claim)."""
    if not claimed:
        return
    ids = [judge_id for judge_id, _email, _count in claimed]
    rows = db.session.execute(
        sa.select(Judge.id, User).join(User, User.id == Judge.user_id).where(Judge.id.in_(ids))
    ).all()
    readers: dict[int, User] = {judge_id: user for judge_id, user in rows}
    zones = {judge_id: user.timezone for judge_id, user in readers.items()}
    link = external_url("judging.my_assignments")
    deadline = challenge.judging_ends_at
    for judge_id, email, count in claimed:
        with recipient_locale(readers.get(judge_id)):
            subject = ngettext(
                "Reminder: %(num)d entry to review for “%(title)s”",
                "Reminder: %(num)d entries to review for “%(title)s”",
                count,
                title=challenge.title,
            )
            body = ngettext(
                "You still have %(num)d entry to review for “%(title)s”.",
                "You still have %(num)d entries to review for “%(title)s”.",
                count,
                title=challenge.title,
            )
            ends = _(
                "Judging ends %(when)s; reviews cannot be submitted after that.",
                when=_local(deadline, zones.get(judge_id) or "UTC"),
            )
            where = _("Your entries to review: %(link)s", link=link)
        send_mail(email, subject, f"{body}\n{ends}\n\n{where}\n", kind="reminders")


def remind_late_judges(*, actor: User, challenge: Challenge) -> int:
    """E-mail each active judge with unfinished (unsubmitted, standing) assignments: how many,
    the judging deadline in their own zone and the link to their list. Sponsor owners and
    managers only, while judging is open; nobody is reminded twice within 24 hours. Returns
    how many judges were mailed (after the commit that records the reminders)."""
    ensure(
        can_manage_judging(actor, challenge),
        _("Only the sponsor's owners and managers can remind judges."),
    )
    now = utcnow()
    if not judging_window_open(challenge, now):
        if now < challenge.closes_at:
            raise Conflict(_("Judges can be reminded once judging starts, after the deadline."))
        raise Conflict(
            _(
                "Judging ended on %(when)s UTC: reviews can no longer be submitted, so there "
                "is nothing to remind judges of.",
                when=challenge.judging_ends_at.strftime("%d %b %Y, %H:%M"),
            )
        )
    claimed = _claim(challenge, now)
    if claimed:
        audit.record(
            actor.id, "judging.remind", "challenge", challenge.id, plural(len(claimed), "judge")
        )
    _send(challenge, claimed)
    db.session.commit()
    return len(claimed)


def reminded_message(count: int) -> str:
    if not count:
        text: str = _("Nobody to remind: every judge is done or was reminded in the last 24 hours.")
        return text
    text = ngettext("Reminded %(num)d judge.", "Reminded %(num)d judges.", count)
    return text


def remind_due_judges(now: datetime | None = None) -> list[tuple[Challenge, int]]:
    """For cron: remind the late judges of every challenge in its judging window that ends
    within 3 days, with the same 24-hour throttle. Returns (challenge, judges mailed) pairs."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Challenge)
        .where(*in_judging_window(now), Challenge.judging_ends_at <= now + CRON_LEAD)
        .order_by(Challenge.judging_ends_at, Challenge.id)
    ).all()
    done = []
    for challenge in due:
        if not judging_window_open(challenge, now):
            continue
        claimed = _claim(challenge, now)
        _send(challenge, claimed)
        db.session.commit()
        done.append((challenge, len(claimed)))
    return done

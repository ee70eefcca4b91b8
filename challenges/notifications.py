"""E-mail to a challenge's followers: updates, answers and deadline reminders."""

from __future__ import annotations

import enum
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from accounts.models import User
from challenges.models import Challenge, DeadlineNotice, Follow, changed_words
from core.db import db, utcnow
from core.i18n import recipient_locale
from core.jobs import Job, enqueue, job_kind
from core.mail import ESSENTIAL, send_mail
from core.urls import external_url

REMINDERS = {"7d": timedelta(days=7), "1d": timedelta(days=1)}


class FollowerNews(enum.StrEnum):
    """What a follower e-mail tells: each is written in every follower's own language."""

    ANSWER = "answer"
    UPDATE = "update"
    RULES = "rules"
    CANCELLED = "cancelled"


# (subject, body) of each kind of news, filled with the job's values in the reader's language.
# Bodies that are the sponsor's own text pass through as written.
_NEWS = {
    FollowerNews.ANSWER: (
        _l("New answer: %(title)s"),
        _l("Q: %(question)s\n\nA: %(answer)s"),
    ),
    FollowerNews.UPDATE: (_l("Update: %(title)s: %(update)s"), "%(body)s"),
    FollowerNews.RULES: (
        _l("Rules updated: %(title)s (version %(version)s)"),
        _l("The sponsor changed the %(changed)s.\n\n%(note)s"),
    ),
    FollowerNews.CANCELLED: (_l("Cancelled: %(title)s"), "%(reason)s"),
}


def followers(challenge_id: int) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Follow, Follow.user_id == User.id)
            .where(Follow.challenge_id == challenge_id)
            .order_by(User.id)
        )
    )


def notify_followers(
    challenge: Challenge, subject: str, body: str, *, kind: str = ESSENTIAL
) -> None:
    """Mail every follower, from a job written in the caller's transaction (the caller commits):
    a request writes one row however many people follow the challenge. ``kind`` is the mail
    kind (core.mail): an update or an answer may be turned off, a rule change may not. The
    subject and body go out as given; ``tell_followers`` writes each in its reader's language."""
    enqueue(
        "challenges.notify_followers",
        {"challenge_id": challenge.id, "subject": subject, "body": body, "kind": kind},
    )


def tell_followers(
    challenge: Challenge, news: FollowerNews, values: dict[str, str | int], *, kind: str = ESSENTIAL
) -> None:
    """``notify_followers`` for a known kind of ``news``: the job writes each e-mail in its
    follower's language from ``values`` (the placeholders of that news' subject and body)."""
    enqueue(
        "challenges.notify_followers",
        {"challenge_id": challenge.id, "news": str(news), "values": values, "kind": kind},
    )


@job_kind("challenges.notify_followers")
def _notify_followers_job(job: Job) -> None:
    challenge = db.session.get(Challenge, job.payload["challenge_id"])
    if challenge is None:
        return
    payload = job.payload
    kind = payload.get("kind", ESSENTIAL)
    if "news" in payload:
        subject, body = _NEWS[FollowerNews(payload["news"])]
        values = payload["values"]
        mail_followers(
            challenge, lambda: (str(subject) % values, str(body) % _localized(values)), kind=kind
        )
    else:
        written = (payload["subject"], payload["body"])
        mail_followers(challenge, lambda: written, kind=kind)


def _localized(values: dict[str, str | int]) -> dict[str, str | int]:
    """A rules change names what changed in stored English words: say them in the reader's."""
    if "changed" not in values:
        return values
    return {**values, "changed": changed_words(str(values["changed"]))}


def mail_followers(
    challenge: Challenge, compose: Callable[[], tuple[str, str]], *, kind: str = ESSENTIAL
) -> int:
    """Write one e-mail per follower in the current transaction; returns how many. ``compose``
    gives (subject, body) and is called in each follower's language."""
    link = external_url("challenges.show", slug=challenge.slug)
    readers = followers(challenge.id)
    for user in readers:
        with recipient_locale(user):
            subject, body = compose()
            footer = _("You follow this challenge; unfollow on its page to stop these.")
            send_mail(user.email, subject, f"{body}\n\n{link}\n\n{footer}", kind=kind)
    return len(readers)


def send_deadline_reminders(now: datetime) -> int:
    """Tell followers 7 days and 1 day before close, once per challenge, reminder and deadline.

    The notice row and the mails are committed together, so a crash or a second run of the
    command never sends the same reminder twice, and never records one it did not send.
    """
    sent = 0
    for kind, lead in REMINDERS.items():
        due = db.session.scalars(
            sa.select(Challenge).where(
                Challenge.published_at.is_not(None),
                Challenge.cancelled_at.is_(None),
                Challenge.closes_at > now,
                Challenge.closes_at <= now + lead,
                ~sa.exists().where(
                    DeadlineNotice.challenge_id == Challenge.id,
                    DeadlineNotice.kind == kind,
                    DeadlineNotice.closes_at == Challenge.closes_at,
                ),
            )
        ).all()
        for challenge in due:
            if kind == "7d" and challenge.closes_at <= now + REMINDERS["1d"]:
                continue  # inside the last day only the 1-day reminder is useful
            db.session.add(
                DeadlineNotice(challenge_id=challenge.id, kind=kind, closes_at=challenge.closes_at)
            )
            try:
                db.session.flush()
            except sa.exc.IntegrityError:
                db.session.rollback()  # another run claimed it first
                continue
            sent += mail_followers(
                challenge, partial(_reminder, challenge.title, lead.days), kind="reminders"
            )
            db.session.commit()
    return sent


def _reminder(title: str, days: int) -> tuple[str, str]:
    subject = ngettext(
        "%(num)d day left: %(title)s", "%(num)d days left: %(title)s", days, title=title
    )
    body = ngettext(
        "%(title)s closes in %(num)d day. Submit or revise your entry before the deadline.",
        "%(title)s closes in %(num)d days. Submit or revise your entry before the deadline.",
        days,
        title=title,
    )
    return subject, body


@job_kind("notify.deadlines", schedule="7 * * * *")
def _deadline_reminders_job(job: Job) -> None:
    """Hourly: followers hear 7 days and 1 day before a deadline (``flask notify deadlines``)."""
    send_deadline_reminders(utcnow())

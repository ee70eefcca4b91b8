"""E-mail to a challenge's followers: updates, answers and deadline reminders."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from accounts.models import User
from challenges.models import Challenge, DeadlineNotice, Follow
from core.db import db, utcnow
from core.jobs import Job, enqueue, job_kind
from core.mail import ESSENTIAL, send_mail
from core.urls import external_url

REMINDERS = {"7d": timedelta(days=7), "1d": timedelta(days=1)}


def follower_emails(challenge_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(User.email)
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
    kind (core.mail): an update or an answer may be turned off, a rule change may not."""
    enqueue(
        "challenges.notify_followers",
        {"challenge_id": challenge.id, "subject": subject, "body": body, "kind": kind},
    )


@job_kind("challenges.notify_followers")
def _notify_followers_job(job: Job) -> None:
    challenge = db.session.get(Challenge, job.payload["challenge_id"])
    if challenge is not None:
        payload = job.payload
        kind = payload.get("kind", ESSENTIAL)
        mail_followers(challenge, payload["subject"], payload["body"], kind=kind)


def mail_followers(challenge: Challenge, subject: str, body: str, *, kind: str = ESSENTIAL) -> int:
    """Write one e-mail per follower in the current transaction; returns how many."""
    link = external_url("challenges.show", slug=challenge.slug)
    emails = follower_emails(challenge.id)
    for email in emails:
        send_mail(
            email,
            subject,
            f"{body}\n\n{link}\n\nYou follow this challenge; unfollow on its page to stop these.",
            kind=kind,
        )
    return len(emails)


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
            left = "7 days" if kind == "7d" else "1 day"
            sent += mail_followers(
                challenge,
                f"{left} left: {challenge.title}",
                f"{challenge.title} closes in {left}. "
                "Submit or revise your entry before the deadline.",
                kind="reminders",
            )
            db.session.commit()
    return sent


@job_kind("notify.deadlines", schedule="7 * * * *")
def _deadline_reminders_job(job: Job) -> None:
    """Hourly: followers hear 7 days and 1 day before a deadline (``flask notify deadlines``)."""
    send_deadline_reminders(utcnow())

"""Results computation as a job: asked for on the dashboard, computed by a queue worker."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from accounts.models import User
from challenges.models import Challenge
from core.db import db
from core.errors import DomainError
from core.i18n import recipient_locale
from core.jobs import Job, JobState, enqueue, report_progress
from core.jobs.outcome import record_result
from judging.results.compute import compute_results, lock_for_computation

RESULTS_KIND = "judging.compute_results"


def _key_prefix(challenge_id: int) -> str:
    return f"results:{challenge_id}:"


def unfinished_computation(challenge_id: int) -> Job | None:
    """The computation queued or running for the challenge, if any."""
    return db.session.scalar(
        sa.select(Job)
        .where(
            Job.kind == RESULTS_KIND,
            Job.state.in_([JobState.PENDING, JobState.RUNNING]),
            Job.key.startswith(_key_prefix(challenge_id), autoescape=True),
        )
        .order_by(Job.id)
        .limit(1)
    )


def request_results(*, actor: User, challenge: Challenge) -> Job:
    """Queue the computation of the challenge's results for ``actor`` after the checks
    ``compute_results`` makes (403 for others; 409 saying why when results cannot be computed
    now). A computation already queued or running for the challenge is returned instead: a
    second click starts no second one (the challenge's row lock orders concurrent clicks).
    Commits."""
    challenge = lock_for_computation(actor, challenge)
    job = unfinished_computation(challenge.id)
    if job is None:
        job = enqueue(
            RESULTS_KIND,
            {
                "challenge_id": challenge.id,
                "title": _("Results of “%(title)s”", title=challenge.title),
                "back": {
                    "endpoint": "judging.dashboard",
                    "values": {"slug": challenge.slug},
                    "label": _("Back to judging"),
                },
            },
            owner_id=actor.id,
            key=f"{_key_prefix(challenge.id)}{uuid.uuid4().hex}",
        )
    db.session.commit()
    return job


def run_computation(job: Job) -> None:
    """The job: compute as its owner and record the snapshot in ``job.result``. A refusal (the
    phase moved on, the owner lost their role) is recorded as the outcome, not retried."""
    actor = db.session.get(User, job.owner_id) if job.owner_id else None
    challenge = db.session.get(Challenge, job.payload.get("challenge_id", 0))
    if actor is None or challenge is None:
        record_result(job, {"refused": _("The challenge or the person who asked is gone.")})
        return
    with recipient_locale(actor):  # the outcome's words are for the person who asked
        _compute_for(job, actor, challenge)


def _compute_for(job: Job, actor: User, challenge: Challenge) -> None:
    slug = challenge.slug
    report_progress(job, 10, _("Checking community votes, calibrating scores, ranking the entries"))
    try:
        snapshot = compute_results(actor=actor, challenge=challenge)
    except DomainError as error:
        db.session.rollback()
        record_result(job, {"refused": error.message})
        return
    record_result(
        job,
        {
            "snapshot_id": snapshot.id,
            "message": ngettext(
                "Results computed: %(num)d entry ranked.",
                "Results computed: %(num)d entries ranked.",
                snapshot.entry_count,
            ),
            "next": {
                "endpoint": "judging.results_review",
                "values": {"slug": slug, "snapshot_id": snapshot.id},
                "label": _("Review the results"),
            },
            "redirect": True,
        },
    )

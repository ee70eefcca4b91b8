"""Run one job: claim its row, call its handler, record the outcome (retry with backoff)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from core.db import db, utcnow
from core.jobs.models import Job, JobState
from core.jobs.registry import KINDS

logger = logging.getLogger("openprize.jobs")
BACKOFF_BASE = timedelta(seconds=30)  # 30 s, 1 min, 2 min, 4 min, ... capped at an hour
BACKOFF_CAP = timedelta(hours=1)


class Outcome:
    SKIPPED = "skipped"  # done already, claimed by a live worker, or not due yet
    DONE = "done"
    RETRY = "retry"
    FAILED = "failed"


def claim(job_id: int, now: datetime) -> Job | None:
    """Take the job if it is due and nobody holds it: pending, or running under a lease that
    ran out (its worker died). One UPDATE ... RETURNING, so two workers never both get it, and
    the claim costs one round trip and its commit."""
    override = current_app.config["JOBS_LEASE_SECONDS"]
    default = now + timedelta(seconds=override or 300)
    lease_until = sa.case(
        {
            name: now + timedelta(seconds=override or spec.lease_seconds)
            for name, spec in KINDS.items()
        },
        value=Job.kind,
        else_=default,
    )
    job = db.session.scalars(
        sa.update(Job)
        .where(
            Job.id == job_id,
            Job.run_after <= now,
            Job.kind.in_(list(KINDS)),
            sa.or_(
                Job.state == JobState.PENDING,
                sa.and_(Job.state == JobState.RUNNING, Job.lease_until < now),
            ),
        )
        .values(
            state=JobState.RUNNING,
            attempts=Job.attempts + 1,
            lease_until=lease_until,
            started_at=now,
        )
        .returning(Job)
        .execution_options(synchronize_session=False, populate_existing=True)
    ).one_or_none()
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:  # keep the claimed row's fields loaded: the handler reads them without a query
        session.commit()
    finally:
        session.expire_on_commit = expire
    if job is None:
        _explain_skip(job_id)
    return job


def _explain_skip(job_id: int) -> None:
    kind = db.session.scalar(sa.select(Job.kind).where(Job.id == job_id))
    db.session.rollback()
    if kind is not None and kind not in KINDS:
        logger.error("job %s has an unknown kind %r: left pending", job_id, kind)


def run_job(job_id: int) -> str:
    """Run the job if this worker can claim it; never raises for the handler's failure."""
    now = utcnow()
    job = claim(job_id, now)
    if job is None:
        return Outcome.SKIPPED
    attempt = job.attempts
    try:
        KINDS[job.kind].handler(job)
        _finish(job_id, attempt, state=JobState.DONE, error="")
        return Outcome.DONE
    except Exception as error:  # the job's row records it; the relay retries it
        db.session.rollback()
        logger.exception("job %s (%s) failed on attempt %s", job_id, job.kind, attempt)
        message = f"{type(error).__name__}: {error}"[:2000]
        if attempt >= job.max_attempts:
            _finish(job_id, attempt, state=JobState.FAILED, error=message)
            return Outcome.FAILED
        delay = min(BACKOFF_BASE * 2 ** (attempt - 1), BACKOFF_CAP)
        _finish(job_id, attempt, state=JobState.PENDING, error=message, run_after=now + delay)
        return Outcome.RETRY


def _finish(
    job_id: int, attempt: int, *, state: JobState, error: str, run_after: datetime | None = None
) -> None:
    """Record the outcome, unless another worker took the job over meanwhile (its lease ran
    out): then that worker's run records it."""
    values: dict[str, object] = {"state": state, "error": error, "lease_until": None}
    if state == JobState.PENDING:
        values["run_after"] = run_after
        values["dispatched_at"] = None
    else:
        values["finished_at"] = utcnow()
    if state == JobState.DONE:
        values["progress"] = sa.case((Job.progress.is_(None), None), else_=100)
    db.session.execute(
        sa.update(Job)
        .where(Job.id == job_id, Job.state == JobState.RUNNING, Job.attempts == attempt)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def report_progress(job: Job, percent: int, note: str = "") -> None:
    """Show how far a job is (0-100) on its progress page. Commits the session: call it
    between steps, with no half-done writes pending."""
    db.session.execute(
        sa.update(Job)
        .where(Job.id == job.id)
        .values(progress=max(0, min(100, percent)), progress_note=note[:200])
        .execution_options(synchronize_session=False)
    )
    db.session.commit()

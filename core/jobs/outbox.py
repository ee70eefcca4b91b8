"""The transactional outbox: jobs are rows written with the change that causes them.

``enqueue`` adds the row to the current transaction. Nothing runs if that transaction rolls
back; once it commits, the new jobs are handed to the backend: the Redis queue (RQ) when
``JOBS_BACKEND`` is ``rq``, else run in this process right after the commit. Whatever happens
after the commit (Redis down, a worker killed), the row stays pending and ``relay`` hands it
over again; the claim in ``runner`` makes sure one worker runs it at a time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from core.db import AFTER_COMMIT_HOOKS, db, utcnow
from core.jobs.models import Job, JobState
from core.jobs.registry import kind as job_kind_named

FLUSHED = "jobs.flushed"  # (id, after_response) of jobs written in the open transaction
READY = "jobs.ready"  # committed, not yet handed to the backend
AFTER_RESPONSE = "jobs.after_response"  # Job objects enqueued with after_response=True


def enqueue(
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    delay: timedelta | None = None,
    owner_id: int | None = None,
    key: str | None = None,
    after_response: bool = False,
) -> Job:
    """Write a job in the current transaction; it runs after the commit. ``after_response``:
    when jobs run in the web process and this is a request, wait until the response is sent
    (a webhook answers Stripe before its follow-up calls Stripe); a queue worker runs it at
    once anyway."""
    spec = job_kind_named(kind)
    job = Job(
        kind=kind,
        payload=payload or {},
        key=key,
        max_attempts=spec.max_attempts,
        run_after=utcnow() + (delay or timedelta()),
        owner_id=owner_id,
    )
    db.session.add(job)
    if after_response:
        db.session.info.setdefault(AFTER_RESPONSE, set()).add(job)
    return job


def enqueue_once(kind: str, key: str, payload: dict[str, Any] | None = None) -> bool:
    """Write a job unless one with ``key`` exists in any state (a scheduled slot two schedulers
    both fire); True when this call wrote it. Concurrent callers cannot both write it."""
    spec = job_kind_named(kind)
    values = {
        "kind": kind,
        "key": key,
        "payload": payload or {},
        "state": JobState.PENDING.value,
        "attempts": 0,
        "max_attempts": spec.max_attempts,
        "run_after": utcnow(),
        "created_at": utcnow(),
        "progress_note": "",
        "error": "",
    }
    insert = (
        postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    statement = insert(Job).values(**values).on_conflict_do_nothing(index_elements=["key"])
    job_id = db.session.scalar(statement.returning(Job.id))
    if job_id is None:
        return False
    db.session.info.setdefault(FLUSHED, []).append((job_id, False))
    return True


@sa.event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, flush_context: Any) -> None:
    later = session.info.get(AFTER_RESPONSE, ())
    written = [(obj.id, obj in later) for obj in session.new if isinstance(obj, Job)]
    if written:
        session.info.setdefault(FLUSHED, []).extend(written)


@sa.event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(AFTER_RESPONSE, None)
    flushed = session.info.pop(FLUSHED, None)
    if flushed:
        session.info.setdefault(READY, []).extend(flushed)


@sa.event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(FLUSHED, None)
        session.info.pop(AFTER_RESPONSE, None)


def uncommitted_jobs(session: Session | sa.orm.scoped_session[Any]) -> bool:
    """Whether the session holds jobs that no commit has written (a bug in the caller)."""
    return bool(session.info.get(FLUSHED)) or any(isinstance(o, Job) for o in session.new)


def retry_failed(job_id: int) -> Job:
    """Give a failed job another round of attempts (an admin's or operator's decision), and
    hand it over at once. LookupError when there is no such failed job."""
    job = db.session.get(Job, job_id, with_for_update=True)
    if job is None:
        raise LookupError(_("There is no job %(id)d.", id=job_id))
    if job.state != JobState.FAILED:
        db.session.rollback()
        raise LookupError(
            _("Job %(id)d is %(state)s, not failed: nothing to retry.", id=job_id, state=job.state)
        )
    job.state = JobState.PENDING
    job.max_attempts = job.attempts + job_kind_named(job.kind).max_attempts
    job.run_after = utcnow()
    job.dispatched_at = None
    db.session.commit()
    from core.jobs.backends import dispatch

    dispatch(current_app._get_current_object(), [(job.id, False)])  # type: ignore[attr-defined]
    return job


def _hand_over(session: sa.orm.Session) -> None:
    ready = session.info.pop(READY, None)
    if ready:
        from core.jobs.backends import dispatch

        dispatch(current_app._get_current_object(), ready)  # type: ignore[attr-defined]


AFTER_COMMIT_HOOKS.append(_hand_over)

"""What workers and the scheduler run: one job, the relay of jobs nobody picked up, and the
tick that writes one job per scheduled slot."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import sqlalchemy as sa
from croniter import croniter  # type: ignore[import-untyped]
from flask import Flask, current_app, has_app_context

from core.db import db, utcnow
from core.jobs.models import Job, JobState
from core.jobs.outbox import enqueue_once
from core.jobs.registry import scheduled_kinds

logger = logging.getLogger("openprize.jobs")
RELAY_AFTER = timedelta(minutes=2)  # a pending job nobody ran this long after its hand-over
RELAY_BATCH = 500
_worker_app: Flask | None = None


def _app() -> Flask:
    """The app of this worker process: the CLI's (``flask jobs worker``), else built once."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    return _worker_app


def perform(job_id: int) -> str:
    """The RQ entry point: run one outbox job in a fresh app context (and database session)."""
    from core.jobs.runner import run_job

    with _app().app_context():
        return run_job(job_id)


def tick_and_relay() -> None:
    """The scheduler's one periodic RQ job (every minute): write due slots, relay stragglers."""
    with _app().app_context():
        tick()
        relay()


def slot_key(name: str, schedule: str, now: datetime) -> str:
    """The key of the latest slot of ``schedule`` at or before ``now`` (UTC)."""
    slot = croniter(schedule, now.replace(second=0, microsecond=0) + timedelta(minutes=1)).get_prev(
        datetime
    )
    return f"cron:{name}:{slot:%Y-%m-%dT%H:%M}Z"


def tick(now: datetime | None = None) -> list[str]:
    """Write one job for each scheduled kind's latest slot, unless it was written before (any
    scheduler, any instance): two schedulers, or a tick every second, still run each slot
    once. Returns the keys written."""
    now = now or utcnow()
    written = []
    for spec in scheduled_kinds():
        assert spec.schedule is not None
        key = slot_key(spec.name, spec.schedule, now)
        if enqueue_once(spec.name, key):
            written.append(key)
    db.session.commit()
    return written


def relay(now: datetime | None = None) -> list[int]:
    """Hand over again the jobs that should be running and are not: pending and due but not
    handed over for a while (Redis was down, a retry's wait is over), or running under a lease
    that ran out (the worker died). Returns their ids."""
    from core.jobs.backends import dispatch

    now = now or utcnow()
    stale = now - RELAY_AFTER
    due = sa.and_(
        Job.state == JobState.PENDING,
        Job.run_after <= now,
        sa.func.coalesce(Job.dispatched_at, Job.created_at) <= stale,
    )
    lost = sa.and_(Job.state == JobState.RUNNING, Job.lease_until < now)
    rows = db.session.execute(
        sa.select(Job.id, Job.kind).where(sa.or_(due, lost)).order_by(Job.id).limit(RELAY_BATCH)
    ).all()
    if rows:
        db.session.execute(
            sa.update(Job)
            .where(Job.id.in_([job_id for job_id, _ in rows]))
            .values(dispatched_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    if rows:
        logger.info("relaying %s jobs", len(rows))
        dispatch(_app(), [(job_id, False) for job_id, _ in rows])
    return [job_id for job_id, _ in rows]


def prune(older_than: timedelta, now: datetime | None = None) -> int:
    """Delete finished jobs older than ``older_than`` (failed ones stay for the admins)."""
    cutoff = (now or utcnow()) - older_than
    deleted: int = db.session.execute(  # type: ignore[attr-defined]  # a DELETE's result
        sa.delete(Job)
        .where(Job.state == JobState.DONE, Job.finished_at < cutoff)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return deleted


# --- The embedded scheduler ---------------------------------------------------------------

_thread_lock = threading.Lock()


def start_scheduler_thread(app: Flask, every: float = 60.0) -> bool:
    """Run ``tick`` and ``relay`` every minute in a daemon thread of this web process (the
    embedded default, with no Redis and no scheduler process). Once per process."""
    with _thread_lock:
        if app.extensions.get("jobs.scheduler_thread"):
            return False
        stop = threading.Event()

        def loop() -> None:
            wait = min(every, 5.0)  # the first tick soon after start, then every minute
            while not stop.wait(wait):
                wait = every
                try:
                    with app.app_context():
                        tick()
                        relay()
                except Exception:  # logged; the next minute tries again
                    logger.exception("embedded scheduler tick failed")

        thread = threading.Thread(target=loop, name="openprize-scheduler", daemon=True)
        app.extensions["jobs.scheduler_thread"] = stop
        thread.start()
        return True

"""``flask jobs ...``: the worker and scheduler processes, and the operators' view of the queue."""

from __future__ import annotations

import logging
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from core.db import db
from core.jobs.models import Job, JobState

jobs_cli = AppGroup("jobs", help="Background jobs: worker, scheduler and the outbox.")


def _redis_queue() -> Any:
    from core.jobs.backends import rq_queue

    if current_app.config["JOBS_BACKEND"] != "rq":
        raise click.ClickException(
            "Jobs run inside the web process (JOBS_BACKEND=inline): set REDIS_URL to run "
            "workers and a scheduler, or use `flask jobs tick` from cron."
        )
    return rq_queue(current_app._get_current_object())  # type: ignore[attr-defined]


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run jobs from the Redis queue (run several, on any machines)."""
    from rq import SimpleWorker

    queue = _redis_queue()
    logging.getLogger("rq.worker").setLevel(current_app.config["LOG_LEVEL"])
    SimpleWorker([queue], connection=queue.connection).work(
        burst=burst, with_scheduler=False, logging_level=current_app.config["LOG_LEVEL"]
    )


@jobs_cli.command("scheduler")
@click.option(
    "--every",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    help="Seconds between ticks.",
)
def scheduler(every: int) -> None:
    """Every minute, queue the tick that writes scheduled jobs and relays lost ones (RQ's
    cron scheduler). Two schedulers are harmless: each slot is one row, written once."""
    from rq.cron import CronScheduler

    from core.jobs.worker import tick_and_relay

    queue = _redis_queue()
    cron = CronScheduler(connection=queue.connection)
    cron.register(tick_and_relay, queue_name=queue.name, interval=every, result_ttl=0)
    cron.start()  # type: ignore[no-untyped-call]


@jobs_cli.command("tick")
def tick_command() -> None:
    """Write the due scheduled jobs and relay lost ones once (for cron, without Redis: run it
    every minute; with JOBS_BACKEND=inline the jobs run in this command)."""
    from core.jobs.worker import relay, tick

    written = tick()
    relayed = relay()
    click.echo(f"Scheduled: {len(written)}; relayed: {len(relayed)}.")


@jobs_cli.command("list")
@click.option("--state", type=click.Choice([s.value for s in JobState]), default=None)
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
def list_jobs(state: str | None, limit: int) -> None:
    """The newest jobs (or those in one state), and the count in each state."""
    counts = dict(
        db.session.execute(sa.select(Job.state, sa.func.count()).group_by(Job.state)).all()
    )
    click.echo(", ".join(f"{s.value}: {counts.get(s.value, 0)}" for s in JobState))
    query = sa.select(Job).order_by(Job.id.desc()).limit(limit)
    if state:
        query = query.where(Job.state == state)
    for job in db.session.scalars(query):
        line = f"{job.id:>8} {job.kind:<28} {job.state:<8} attempts={job.attempts}"
        if job.error:
            line += f"  {job.error.splitlines()[0][:80]}"
        click.echo(line)


@jobs_cli.command("retry")
@click.argument("job_id", type=int)
def retry(job_id: int) -> None:
    """Give a failed job another round of attempts."""
    from core.jobs.outbox import retry_failed

    try:
        retry_failed(job_id)
    except LookupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Job {job_id} queued again.")

"""Where committed jobs go: a Redis queue read by ``flask jobs worker`` processes (RQ), or,
in the embedded default with no Redis, this very process right after the commit."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable
from typing import Any

from flask import Flask, Response, after_this_request, g, has_request_context

logger = logging.getLogger("openprize.jobs")
PERFORM = "core.jobs.worker.perform"


def dispatch(app: Flask, ready: Iterable[tuple[int, bool]]) -> None:
    """Hand over committed jobs, given as (id, wait for the response) pairs."""
    ready = list(ready)
    if app.config["JOBS_BACKEND"] == "rq":
        push(app, [job_id for job_id, _ in ready])
        return
    wait = has_request_context()
    later = [job_id for job_id, after_response in ready if after_response and wait]
    now = [job_id for job_id, after_response in ready if not (after_response and wait)]
    if later:
        _after_this_response(app, later)
    if now:
        run_here(now)


# --- Redis (RQ) -------------------------------------------------------------------------


def rq_queue(app: Flask) -> Any:
    """The app's RQ queue (one Redis connection per process)."""
    from redis import Redis
    from rq import Queue

    queue = app.extensions.get("jobs.queue")
    if queue is None:
        connection = Redis.from_url(app.config["REDIS_URL"], socket_timeout=5)
        queue = Queue(app.config["JOBS_QUEUE"], connection=connection)
        app.extensions["jobs.queue"] = queue
    return queue


def push(app: Flask, job_ids: list[int]) -> None:
    """Put the jobs on the Redis queue. Redis down: the rows stay pending and the relay (run by
    the scheduler every minute) pushes them again, so a failure here loses nothing."""
    if not job_ids:
        return
    try:
        queue = rq_queue(app)
        with queue.connection.pipeline() as pipe:
            for job_id in job_ids:
                queue.enqueue_call(
                    PERFORM, args=(job_id,), result_ttl=0, failure_ttl=86400, pipeline=pipe
                )
            pipe.execute()
    except Exception:
        logger.warning("could not queue jobs %s in Redis; the relay will", job_ids, exc_info=True)


# --- In process --------------------------------------------------------------------------

_local = threading.local()


def run_here(job_ids: list[int]) -> None:
    """Run the jobs now, one after another. A job that enqueues more (an e-mail after a payout)
    adds them to this loop instead of nesting another one."""
    from core.jobs.runner import run_job

    pending: deque[int] | None = getattr(_local, "pending", None)
    if pending is not None:
        pending.extend(job_ids)
        return
    pending = _local.pending = deque(job_ids)
    try:
        while pending:
            run_job(pending.popleft())
    finally:
        _local.pending = None


def _after_this_response(app: Flask, job_ids: list[int]) -> None:
    waiting: list[int] | None = g.get("jobs_after_response")
    if waiting is None:
        waiting = []
        g.jobs_after_response = waiting

        @after_this_request
        def _when_sent(response: Response) -> Response:
            ids = g.pop("jobs_after_response", [])

            def run() -> None:
                with app.app_context():
                    run_here(ids)

            response.call_on_close(run)
            return response

    waiting.extend(job_ids)

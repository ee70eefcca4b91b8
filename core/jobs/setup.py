"""Wire the jobs into the app: the domains' job kinds, the CLI, the embedded scheduler."""

from __future__ import annotations

import importlib
import logging

from flask import Flask, Response

from core.db import db

logger = logging.getLogger("openprize.jobs")
# Modules that declare job kinds (``@job_kind``); a worker knows what the web app enqueues.
JOB_MODULES = (
    "core.jobs.builtin",
    "accounts.jobs",
    "core.mail",
    "challenges.notifications",
    "judging.jobs",
    "judging.adoption.jobs",
    "payments.jobs",
    "submissions.jobs",
)


def init_jobs(app: Flask) -> None:
    from core.jobs.cli import jobs_cli
    from core.jobs.outbox import uncommitted_jobs
    from core.jobs.worker import start_scheduler_thread

    if app.config["JOBS_BACKEND"] not in {"rq", "inline"}:
        raise RuntimeError(
            f"Refusing to start: JOBS_BACKEND must be rq or inline, not "
            f"{app.config['JOBS_BACKEND']!r}."
        )
    if app.config["JOBS_BACKEND"] == "rq" and not app.config["REDIS_URL"]:
        raise RuntimeError("Refusing to start: JOBS_BACKEND=rq needs REDIS_URL.")
    for module in JOB_MODULES:
        importlib.import_module(module)
    app.cli.add_command(jobs_cli)

    embedded_scheduler = (
        app.config["JOBS_BACKEND"] == "inline"
        and app.config["JOBS_SCHEDULER_THREAD"]
        and not app.testing
    )
    if embedded_scheduler:

        @app.before_request
        def _start_scheduler() -> None:  # web processes only, not CLI commands
            start_scheduler_thread(app)

    @app.after_request
    def _jobs_committed(response: Response) -> Response:
        # A job written but never committed would be lost without a trace: a bug to catch.
        if uncommitted_jobs(db.session):
            logger.error("a request enqueued jobs and did not commit them")
            if app.testing:
                raise AssertionError("jobs enqueued during the request were not committed")
        return response

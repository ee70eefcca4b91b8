"""Attachment storage chores on the queue's scheduler."""

from __future__ import annotations

import logging
from datetime import timedelta

from core.jobs import Job, job_kind

logger = logging.getLogger("openprize.storage")


@job_kind("storage.sweep", schedule="31 3 * * *", lease_seconds=3600)
def _sweep(job: Job) -> None:
    """Daily: delete blobs no attachment references, written more than a day ago."""
    from submissions.storage_cli import sweep

    report = sweep(older_than=timedelta(hours=24))
    logger.info("storage sweep: %s deleted, %s kept", len(report.deleted), report.kept)

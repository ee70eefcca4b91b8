"""Submissions jobs: entries exports people wait for, and the storage sweep on the scheduler."""

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


@job_kind("submissions.export", max_attempts=3, lease_seconds=1800)
def _export(job: Job) -> None:
    """Build a sponsor's CSV or ZIP export of a challenge's entries into storage."""
    from submissions.export_jobs import build_export

    build_export(job)

"""The queue's own chores."""

from __future__ import annotations

import logging
from datetime import timedelta

from core.jobs.models import Job
from core.jobs.registry import job_kind
from core.jobs.worker import prune

logger = logging.getLogger("openprize.jobs")
KEEP_DONE = timedelta(days=14)


@job_kind("jobs.prune", schedule="17 3 * * *")
def prune_done(job: Job) -> None:
    """Daily: forget finished jobs after two weeks (failed ones stay for the admins)."""
    logger.info("pruned %s finished jobs", prune(KEEP_DONE))

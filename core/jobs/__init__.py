"""Background jobs: a transactional outbox in the database, run by RQ workers on Redis or, in
the embedded default, in the web process right after the commit. See README, *Production*."""

from core.jobs.models import Job, JobState
from core.jobs.outbox import enqueue, enqueue_once
from core.jobs.registry import job_kind
from core.jobs.runner import report_progress

__all__ = ["Job", "JobState", "enqueue", "enqueue_once", "job_kind", "report_progress"]

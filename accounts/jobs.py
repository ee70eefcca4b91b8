"""Accounts jobs: the "download my data" ZIP people wait for."""

from __future__ import annotations

from core.jobs import Job, job_kind


@job_kind("accounts.data_export", max_attempts=3, lease_seconds=1800)
def _data_export(job: Job) -> None:
    """Build a person's data download into storage."""
    from accounts.data_export import build_data_export

    build_data_export(job)

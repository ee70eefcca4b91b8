"""Adoption chores on the queue's scheduler."""

from __future__ import annotations

from core.jobs import Job, job_kind


@job_kind("judging.adoption_reminders", schedule="17 8 * * *")
def _adoption_reminders(job: Job) -> None:
    """Daily: remind sponsors 3, 6 and 12 months after the award, once per milestone."""
    from judging.adoption.reminders import remind_sponsors

    remind_sponsors()

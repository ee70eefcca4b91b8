"""Judging chores on the queue's scheduler (the ``flask judging ...`` commands stay for
operators): assignment at the deadline, reminders to late judges, the scan of community votes."""

from __future__ import annotations

from core.jobs import Job, job_kind


@job_kind("judging.assign_due", schedule="*/5 * * * *")
def _assign_due(job: Job) -> None:
    """Assign the judges of challenges whose deadline passed with nobody assigned yet."""
    from judging.panel.auto_assign import assign_due_judges

    assign_due_judges()


@job_kind("judging.remind", schedule="0 9 * * *")
def _remind(job: Job) -> None:
    """Daily: e-mail judges with open reviews where judging ends within 3 days."""
    from judging.panel.reminders import remind_due_judges

    remind_due_judges()


@job_kind("judging.scan_votes", schedule="41 * * * *", lease_seconds=900)
def _scan_votes(job: Job) -> None:
    """Hourly: quarantine suspicious community votes of challenges still deciding."""
    from judging.voting.votes import scan_running_challenges

    scan_running_challenges()


@job_kind("judging.compute_results", max_attempts=3, lease_seconds=1800)
def _compute_results(job: Job) -> None:
    """Compute a challenge's results for the sponsor who asked (the progress page waits)."""
    from judging.results.compute_job import run_computation

    run_computation(job)

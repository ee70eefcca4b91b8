"""Who may watch a job: the person who asked for it, and the platform team."""

from __future__ import annotations

from accounts.models import User
from accounts.policies import is_admin
from core.jobs.models import Job


def can_view_job(user: User | None, job: Job) -> bool:
    if is_admin(user):
        return True
    return user is not None and job.owner_id is not None and job.owner_id == user.id

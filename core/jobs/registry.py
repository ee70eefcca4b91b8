"""Job kinds: a name, the function that does the work, and how it is retried or scheduled.

Domains declare their kinds with ``@job_kind`` in their ``jobs`` module; ``create_app``
imports those modules, so a web process, a worker and a test all know the same kinds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.jobs.models import Job

Handler = Callable[["Job"], None]


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Handler
    max_attempts: int
    lease_seconds: int  # a worker silent for longer is taken for dead: the job runs again
    schedule: str | None  # cron expression (UTC): the scheduler enqueues one job per slot


KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str,
    *,
    max_attempts: int = 5,
    lease_seconds: int = 300,
    schedule: str | None = None,
) -> Callable[[Handler], Handler]:
    """Register ``handler`` as the job kind ``name``. Handlers must be idempotent: a job whose
    worker died after the work but before the job was marked done runs again."""

    def register(handler: Handler) -> Handler:
        KINDS[name] = JobKind(name, handler, max_attempts, lease_seconds, schedule)
        return handler

    return register


def kind(name: str) -> JobKind:
    try:
        return KINDS[name]
    except KeyError:
        raise LookupError(f"unknown job kind {name!r} (not registered with @job_kind)") from None


def scheduled_kinds() -> list[JobKind]:
    return sorted((k for k in KINDS.values() if k.schedule), key=lambda k: k.name)

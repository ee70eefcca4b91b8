"""What a job people wait on ends with, and how its progress page describes it.

Whoever enqueues one puts in its payload a ``title`` and a ``back`` link (``endpoint``,
``values``, ``label``) to the page it was asked from. Handlers record their outcome in
``job.result`` with ``record_result``: ``message`` (a sentence for the page), ``next`` (a link
like ``back``: where to go when done; ``redirect`` true to go there at once) or ``refused`` (a
sentence: the work was not allowed, so it is not retried).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from core.db import db
from core.jobs.models import Job, JobState

STATE_WORDS = {
    JobState.PENDING: _l("Waiting to start"),
    JobState.RUNNING: _l("Working"),
    JobState.DONE: _l("Done"),
    JobState.FAILED: _l("Failed"),
}


def record_result(job: Job, result: dict[str, Any]) -> None:
    """Store the job's outcome (commits)."""
    db.session.execute(
        sa.update(Job)
        .where(Job.id == job.id)
        .values(result=result)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


@dataclass(frozen=True)
class JobStatus:
    """A job as its progress page and the page's JSON show it."""

    id: int
    title: str
    state: str
    state_words: str
    percent: int
    note: str
    finished: bool
    failed: bool
    message: str
    next_url: str | None
    next_label: str
    back_url: str | None
    back_label: str
    redirect: bool
    error: str  # the raw error: for platform admins only
    created_at: datetime
    finished_at: datetime | None

    def as_json(self, *, with_error: bool) -> dict[str, Any]:
        keys = ("id", "state", "state_words", "percent", "note", "finished", "failed")
        data = {key: getattr(self, key) for key in keys}
        data.update(message=self.message, next_url=self.next_url, redirect=self.redirect)
        data["next_label"] = self.next_label
        if with_error:
            data["error"] = self.error
        return data


def _link(step: object) -> tuple[str | None, str]:
    """A stored link's (address, label); no address when it cannot be built any more."""
    if not isinstance(step, dict):
        return None, ""
    try:
        url = url_for(str(step.get("endpoint")), **dict(step.get("values") or {}))
    except (BuildError, TypeError, ValueError):
        return None, ""
    return url, str(step.get("label") or _("Continue"))


def job_status(job: Job) -> JobStatus:
    result = job.result or {}
    title = str(job.payload.get("title") or job.kind)
    refused = job.state == JobState.DONE and "refused" in result
    failed = job.state == JobState.FAILED or refused
    done = job.state == JobState.DONE and not refused
    message = ""
    if refused:
        message = _(
            "%(title)s could not be made: %(reason)s", title=title, reason=result["refused"]
        )
    elif failed:
        message = _(
            "%(title)s could not be finished: something went wrong on our side. Nothing was "
            "changed. Try again; if it fails again, tell the platform team.",
            title=title,
        )
    elif done:
        message = str(result.get("message") or _("%(title)s is done.", title=title))
    note = job.progress_note
    if job.state == JobState.PENDING and job.attempts and job.error:
        note = _(
            "Attempt %(attempt)d of %(most)d failed; trying again in a minute or two.",
            attempt=job.attempts,
            most=job.max_attempts,
        )
    next_url, next_label = _link(result.get("next") if done else None)
    back_url, back_label = _link(job.payload.get("back"))
    percent = 100 if job.state == JobState.DONE else (job.progress or 0)
    return JobStatus(
        id=job.id,
        title=title,
        state=job.state,
        state_words=str(_("Could not be finished") if failed else STATE_WORDS[JobState(job.state)]),
        percent=percent,
        note=note if not job.finished else "",
        finished=job.finished,
        failed=failed,
        message=message,
        next_url=next_url,
        next_label=next_label,
        back_url=back_url,
        back_label=back_label,
        redirect=bool(result.get("redirect")) and done,
        error=job.error,
        created_at=job.created_at,
        finished_at=job.finished_at,
    )

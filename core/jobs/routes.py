"""The progress page of a job people wait on (an export, a results computation) and its JSON,
which the page's script polls."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from accounts.policies import is_admin
from core.db import db
from core.jobs.models import Job
from core.jobs.outcome import job_status
from core.jobs.policies import can_view_job

bp = Blueprint("jobs", __name__)


def _watched(job_id: int) -> Job:
    """The job, or 404 for anyone but its owner and the platform team (its existence hidden)."""
    job = db.session.get(Job, job_id)
    if job is None or not can_view_job(current_user, job):
        abort(404)
    return job


@bp.get("/jobs/<int:job_id>")
@login_required  # type: ignore[untyped-decorator]  # Flask-Login ships no types
def progress(job_id: int) -> ResponseReturnValue:
    job = _watched(job_id)
    return render_template(
        "jobs/progress.html", status=job_status(job), show_error=is_admin(current_user)
    )


@bp.get("/jobs/<int:job_id>.json")
@login_required  # type: ignore[untyped-decorator]  # Flask-Login ships no types
def progress_json(job_id: int) -> ResponseReturnValue:
    status = job_status(_watched(job_id))
    response = jsonify(status.as_json(with_error=is_admin(current_user)))
    response.headers["Cache-Control"] = "no-store"
    return response

"""Platform admin page of the background jobs: how many wait, run and failed; retry a failure."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import admin_bp as bp
from accounts.forms import ConfirmForm
from accounts.policies import can_view_admin
from core import sections
from core.db import db
from core.jobs import Job, JobState
from core.jobs.outbox import retry_failed
from core.paging import page_arg, redirect_past_end


def failed_job_count() -> int:
    """The admin page's tab: how many jobs gave up."""
    return (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Job).where(Job.state == JobState.FAILED)
        )
        or 0
    )


@bp.get("/jobs")
@login_required
def jobs() -> ResponseReturnValue:
    if not can_view_admin(current_user):
        abort(403)
    counts = dict(
        db.session.execute(sa.select(Job.state, sa.func.count()).group_by(Job.state)).all()
    )
    failed = db.paginate(
        sa.select(Job).where(Job.state == JobState.FAILED).order_by(Job.id.desc()),
        page=page_arg(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    if (past_end := redirect_past_end(failed)) is not None:
        return past_end
    running = db.session.scalars(
        sa.select(Job).where(Job.state == JobState.RUNNING).order_by(Job.id).limit(20)
    ).all()
    return render_template(
        "admin/jobs.html",
        counts={state: counts.get(state.value, 0) for state in JobState},
        failed=failed,
        running=running,
        backend=current_app.config["JOBS_BACKEND"],
    )


@bp.post("/jobs/<int:job_id>/retry")
@login_required
def retry_job(job_id: int) -> ResponseReturnValue:
    if not can_view_admin(current_user):
        abort(403)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        job = retry_failed(job_id)
    except LookupError as error:
        flash(str(error), "warning")
        return redirect(url_for("admin.jobs"))
    flash(_("Job %(id)d (%(kind)s) is queued again.", id=job.id, kind=job.kind), "success")
    return redirect(url_for("admin.jobs"))


def register_sections(app: Flask) -> None:
    sections.register(app, "admin.tabs", "admin/_jobs_tab.html", failed_job_count)

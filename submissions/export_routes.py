"""The sponsor's entries exports: ask for one (a job), then download it from its owner's link."""

from __future__ import annotations

from flask import abort, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts.forms import ConfirmForm
from challenges.services import get_challenge
from core.jobs.downloads import send_download
from submissions import bp, export_jobs


@bp.post("/challenges/<slug>/manage/entries.<any(csv, zip):fmt>")
@login_required
def export_entries(slug: str, fmt: str) -> ResponseReturnValue:
    """Queue the export (403 while exports are closed to the actor) and show its progress."""
    challenge = get_challenge(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400, _("The form expired. Reload the page and try again."))
    job = export_jobs.request_export(actor=current_user, challenge=challenge, fmt=fmt)
    return redirect(url_for("jobs.progress", job_id=job.id))


@bp.get("/challenges/<slug>/manage/exports/<int:job_id>")
@login_required
def export_download(slug: str, job_id: int) -> ResponseReturnValue:
    """The file, for the person who asked while they still may export (404 for anyone else;
    410 once it expired); streamed with the attachments' safety headers."""
    challenge = get_challenge(slug)
    job = export_jobs.export_job(current_user, challenge, job_id)
    file = export_jobs.export_file(current_user, challenge, job)
    if file is None:  # not made yet
        return redirect(url_for("jobs.progress", job_id=job.id))
    return send_download(
        export_jobs.open_export(file),
        filename=file.filename,
        mimetype=file.content_type,
        size=file.size,
    )

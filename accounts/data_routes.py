"""Download my data: the page, the request that starts the job, the download."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from accounts import bp
from accounts import data_export as data_export_module
from accounts.forms import ConfirmForm
from core.jobs.downloads import send_download


@bp.get("/account/data")
@login_required
def data_export() -> ResponseReturnValue:
    return render_template(
        "accounts/data_export.html",
        form=ConfirmForm(),
        running=data_export_module.running_data_export(current_user),
        recent=data_export_module.recent_data_exports(current_user),
        ttl_hours=int(data_export_module.DATA_EXPORT_TTL.total_seconds() // 3600),
    )


@bp.post("/account/data")
@login_required
def request_data_export() -> ResponseReturnValue:
    """Start the job (or reuse the one under way) and show its progress."""
    if not ConfirmForm().validate_on_submit():
        abort(400, _("The form expired. Reload the page and try again."))
    job = data_export_module.request_data_export(actor=current_user)
    return redirect(url_for("jobs.progress", job_id=job.id))


@bp.get("/account/data/<int:job_id>")
@login_required
def data_export_download(job_id: int) -> ResponseReturnValue:
    """The ZIP, for its owner only (404 for anyone else; 410 after a day)."""
    job = data_export_module.data_export_job(current_user, job_id)
    file = data_export_module.data_file(job)
    if file is None:
        return redirect(url_for("jobs.progress", job_id=job.id))
    return send_download(
        data_export_module.open_data_file(file),
        filename=file.filename,
        mimetype="application/zip",
        size=file.size,
    )

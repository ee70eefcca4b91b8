"""Entry files: upload, remove, and download (always as an attachment, never inline)."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge

from accounts.forms import ConfirmForm
from core.errors import NotFound
from core.forms import FlaskForm, domain_errors
from core.storage import storage
from submissions import attachments, bp, services
from submissions.models import Submission, SubmissionStatus

DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, no-cache",
}


class AttachmentForm(FlaskForm):
    file = FileField(_l("Add a file"), validators=[FileRequired(_l("Choose a file to upload."))])


def _back_to_edit(submission_id: int) -> ResponseReturnValue:
    return redirect(url_for("submissions.edit", submission_id=submission_id) + "#attachments")


def _after_change(submission: Submission, what: str) -> str:
    if submission.status == SubmissionStatus.SUBMITTED:
        text: str = _(
            "%(what)s Click “Save new version” to submit your entry with this change.", what=what
        )
        return text
    text = _("%(what)s Files are part of your draft and are submitted with it.", what=what)
    return text


@bp.post("/submissions/<int:submission_id>/attachments")
@login_required
def upload_attachment(submission_id: int) -> ResponseReturnValue:
    submission = services.get_submission(submission_id)
    form = AttachmentForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400, _("The form expired. Reload the page and try again."))
        flash(" ".join(map(str, form.file.errors)) or _("Choose a file to upload."), "danger")
        return _back_to_edit(submission.id)
    with domain_errors() as refused:
        attachment = attachments.add_attachment(
            actor=current_user, submission=submission, file_storage=form.file.data
        )
    if not refused:
        added = _("Added “%(filename)s”.", filename=attachment.filename)
        flash(_after_change(submission, added), "success")
    return _back_to_edit(submission.id)


@bp.post("/submissions/<int:submission_id>/attachments/<int:attachment_id>/remove")
@login_required
def remove_attachment(submission_id: int, attachment_id: int) -> ResponseReturnValue:
    submission = services.get_submission(submission_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    attachment = attachments.get_attachment(submission, attachment_id)
    with domain_errors() as refused:
        attachments.remove_attachment(actor=current_user, attachment=attachment)
    if not refused:
        message = _(
            "Removed “%(filename)s”. Versions that included it keep it.",
            filename=attachment.filename,
        )
        flash(_after_change(submission, message), "success")
    return _back_to_edit(submission.id)


@bp.get("/submissions/<int:submission_id>/attachments/<int:attachment_id>")
def download_attachment(submission_id: int, attachment_id: int) -> ResponseReturnValue:
    submission = services.get_submission(submission_id)
    # NotFound (404) for anything the viewer may not see, so its existence is not revealed.
    attachment = attachments.attachment_for_download(current_user, submission, attachment_id)
    backend = storage()
    if current_app.config["S3_PRESIGNED_DOWNLOADS"] and hasattr(backend, "download_url"):
        # Only after the permission check above; the link expires within a minute by default.
        url = backend.download_url(
            attachment.storage_key,
            filename=attachment.filename,
            content_type=attachment.content_type,
            expires=current_app.config["S3_PRESIGNED_EXPIRY"],
        )
        return redirect(url, 303)
    try:
        stream = backend.open(attachment.storage_key)
    except FileNotFoundError:
        current_app.logger.error("attachment %s: blob missing from storage", attachment.id)
        raise NotFound(
            _(
                "The file “%(filename)s” is missing from storage. "
                "The entry's team can upload it again.",
                filename=attachment.filename,
            )
        ) from None
    response = send_file(
        stream,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        etag=attachment.sha256,
        conditional=True,
    )
    if response.status_code == 200:  # a stream has no length of its own; the blob's is known
        response.content_length = attachment.size
    response.headers.update(DOWNLOAD_HEADERS)
    return response


@bp.errorhandler(RequestEntityTooLarge)
def request_too_large(error: RequestEntityTooLarge) -> ResponseReturnValue:
    """The request body passed MAX_CONTENT_LENGTH before the form was read (by CSRF or the
    view): send uploaders back to their entry with the limit instead of a bare error page."""
    limit = current_app.config["MAX_UPLOAD_MB"]
    message = _("The file is too large: files may be at most %(limit)s MB.", limit=limit)
    submission_id = (request.view_args or {}).get("submission_id")
    if request.endpoint == "submissions.upload_attachment" and submission_id:
        flash(message, "danger")
        return _back_to_edit(submission_id)
    detail = _(
        "What you sent is too large. Files may be at most %(limit)s MB; shorten long texts.",
        limit=limit,
    )
    title = _("Upload too large")
    page = render_template("errors/error.html", status=413, title=title, detail=detail)
    return page, 413

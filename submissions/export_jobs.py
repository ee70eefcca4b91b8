"""Entries exports as jobs: the request, the job that writes the file to storage, the download.

The file is built by a queue worker (or, in the embedded default, right after the request's
commit) as the person who asked, under the same visibility rules as ``exports``. It is stored
through the attachment storage and kept for ``EXPORT_TTL``: the download refuses older exports
(410) and the storage sweep deletes their blobs, which no attachment references.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO

from flask_babel import gettext as _
from flask_babel import ngettext

from accounts.models import User
from challenges.models import Challenge
from core.db import db, utcnow
from core.errors import DomainError, Gone, NotFound, ValidationFailed
from core.i18n import recipient_locale
from core.jobs import Job, JobState, enqueue, report_progress
from core.jobs.downloads import open_stored, stored_result_keys
from core.jobs.outcome import record_result
from core.storage import storage
from submissions.exports import check_export, entries_csv, entries_zip

EXPORT_KIND = "submissions.export"
EXPORT_TTL = timedelta(hours=24)
CONTENT_TYPES = {"csv": "text/csv", "zip": "application/zip"}


def _expired_message() -> str:
    text: str = _(
        "This export has expired: exports are kept for a day. Export the entries again from the "
        "challenge's entries page."
    )
    return text


@dataclass(frozen=True)
class ExportFile:
    storage_key: str
    filename: str
    content_type: str
    size: int


def request_export(*, actor: User, challenge: Challenge, fmt: str) -> Job:
    """Queue an export of the challenge's entries as ``fmt`` (``csv`` or ``zip``) for
    ``actor``, after the checks the export itself makes (403 while it is not allowed); the
    ``submissions.export`` job builds the file. Commits."""
    if fmt not in CONTENT_TYPES:
        raise ValidationFailed(_("Exports are CSV or ZIP files."))
    check_export(actor, challenge)
    # Stored with the job and shown to its owner only: in the language they asked in.
    title = _(
        "Export of the entries of “%(challenge)s” (%(format)s)",
        challenge=challenge.title,
        format=fmt.upper(),
    )
    job = enqueue(
        EXPORT_KIND,
        {
            "challenge_id": challenge.id,
            "format": fmt,
            "title": title,
            "back": {
                "endpoint": "submissions.manage",
                "values": {"slug": challenge.slug},
                "label": _("Back to the entries"),
            },
        },
        owner_id=actor.id,
    )
    db.session.commit()
    return job


def build_export(job: Job) -> None:
    """The job: write the file as its owner, store it, record where it is in ``job.result``.
    A refusal (the owner lost their role meanwhile) is recorded as the job's outcome, not
    retried; a storage failure raises, and the queue retries."""
    actor = db.session.get(User, job.owner_id) if job.owner_id else None
    challenge = db.session.get(Challenge, job.payload.get("challenge_id", 0))
    fmt = job.payload.get("format", "")
    with recipient_locale(actor):  # its progress and outcome are read by its owner only
        if actor is None or challenge is None or fmt not in CONTENT_TYPES:
            gone = _("The challenge or the person who asked for it is gone.")
            record_result(job, {"refused": gone})
            return
        _write_export(job, actor, challenge, fmt)


def _write_export(job: Job, actor: User, challenge: Challenge, fmt: str) -> None:
    slug, challenge_id = challenge.slug, challenge.id

    def progress(done: int, total: int) -> None:
        written = ngettext(
            "%(done)s of %(num)d entry written",
            "%(done)s of %(num)d entries written",
            total,
            done=done,
        )
        report_progress(job, 5 + 85 * done // total, written)

    report_progress(job, 2, _("Reading the entries"))
    try:
        if fmt == "csv":
            text = entries_csv(actor=actor, challenge=challenge, progress=progress)
            data = text.encode("utf-8-sig")  # the BOM makes spreadsheet programs read UTF-8
        else:
            archive, _size = entries_zip(actor=actor, challenge=challenge, progress=progress)
            with archive:
                data = archive.read()
    except DomainError as error:
        record_result(job, {"refused": error.message})
        return
    report_progress(job, 95, _("Storing the file"))
    key = storage().put(data)
    filename = f"{slug}-entries.{fmt}"
    record_result(
        job,
        {
            "storage_key": key,
            "filename": filename,
            "content_type": CONTENT_TYPES[fmt],
            "size": len(data),
            "message": _(
                "Your export is ready: %(filename)s, %(size)s.",
                filename=filename,
                size=_size_text(len(data)),
            ),
            "next": {
                "endpoint": "submissions.export_download",
                "values": {"slug": slug, "job_id": job.id},
                "label": _("Download %(filename)s", filename=filename),
            },
            "challenge_id": challenge_id,
        },
    )


def _size_text(size: int) -> str:
    if size < 1000:
        text: str = ngettext("%(num)d byte", "%(num)d bytes", size)
        return text
    return f"{size / 1000:.1f} kB" if size < 1_000_000 else f"{size / 1_000_000:.1f} MB"


def export_job(actor: User, challenge: Challenge, job_id: int) -> Job:
    """The export job ``job_id`` of ``actor`` for ``challenge``; NotFound for anyone else's,
    so others learn nothing of it."""
    job = db.session.get(Job, job_id)
    if (
        job is None
        or job.kind != EXPORT_KIND
        or job.owner_id != actor.id
        or job.payload.get("challenge_id") != challenge.id
    ):
        raise NotFound(_("There is no such export."))
    return job


def export_file(actor: User, challenge: Challenge, job: Job) -> ExportFile | None:
    """The stored file of a finished export, None while it is being made. Checks the export
    policy again (403 for a sponsor who lost their role); ``Gone`` (410) after a day."""
    check_export(actor, challenge)
    result = job.result or {}
    if job.state != JobState.DONE or "storage_key" not in result:
        return None
    if expired(job.finished_at):
        raise Gone(_expired_message())
    return ExportFile(
        result["storage_key"], result["filename"], result["content_type"], int(result["size"])
    )


def expired(finished_at: datetime | None, now: datetime | None = None) -> bool:
    return finished_at is not None and finished_at < (now or utcnow()) - EXPORT_TTL


def open_export(file: ExportFile) -> BinaryIO:
    """The stored export as a stream; ``Gone`` when the sweep has deleted it."""
    return open_stored(file.storage_key, _expired_message())


def recent_export_keys(now: datetime | None = None) -> set[str]:
    """Storage keys of exports still offered for download (the storage sweep keeps them)."""
    return stored_result_keys(EXPORT_KIND, EXPORT_TTL, now)

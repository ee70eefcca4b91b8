"""Files jobs make for a person to download (entries exports, "download my data"): kept in
storage for a while, listed for the storage sweep, and sent with safe headers."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import BinaryIO

import sqlalchemy as sa
from flask import Response, send_file

from core.db import db, utcnow
from core.errors import Gone
from core.jobs.models import Job, JobState
from core.storage import storage

# A download is never rendered by the browser, nor kept in any cache.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "no-store",
}


def stored_result_keys(kind: str, ttl: timedelta, now: datetime | None = None) -> set[str]:
    """Storage keys in the results of ``kind`` jobs finished within ``ttl`` (still offered)."""
    cutoff = (now or utcnow()) - ttl
    results = db.session.scalars(
        sa.select(Job.result).where(
            Job.kind == kind, Job.state == JobState.DONE, Job.finished_at >= cutoff
        )
    )
    return {result["storage_key"] for result in results if result and "storage_key" in result}


def open_stored(storage_key: str, expired: str) -> BinaryIO:
    """A kept file as a stream; ``Gone`` with ``expired`` when the sweep has deleted it."""
    try:
        return storage().open(storage_key)
    except FileNotFoundError:
        raise Gone(expired) from None


def send_download(stream: BinaryIO, *, filename: str, mimetype: str, size: int) -> Response:
    response = send_file(
        stream,
        mimetype=mimetype,
        as_attachment=True,
        download_name=filename,
        conditional=False,
        etag=False,
    )
    response.content_length = size
    response.headers.update(DOWNLOAD_HEADERS)
    return response

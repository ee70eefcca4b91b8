"""Download my data: a ZIP of what the platform keeps about one person, built as a job.

Accounts writes ``profile.json`` and ``organizations.json``; higher domains add their parts
(entries, reviews, votes, payouts) through ``register_part``, so accounts imports none of them.
Each part writes only the person's own data. The file is stored through the attachment
storage and offered to its owner for ``DATA_EXPORT_TTL`` (as entries exports are); the storage
sweep deletes it after that.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from tempfile import SpooledTemporaryFile
from typing import Any, BinaryIO

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import Membership, Organization, User
from core.db import db, utcnow
from core.errors import Gone, NotFound
from core.i18n import recipient_locale
from core.jobs import Job, JobState, enqueue, report_progress
from core.jobs.downloads import open_stored, stored_result_keys
from core.jobs.outcome import record_result
from core.storage import storage

DATA_EXPORT_KIND = "accounts.data_export"
DATA_EXPORT_TTL = timedelta(hours=24)
SPOOL_IN_MEMORY = 8 * 1024 * 1024
# Account columns never written to the file: secrets, not data about the person.
SECRET_COLUMNS = frozenset({"password_hash"})
EXPIRED = _l("This download has expired: files are kept for a day. Ask for your data again.")

# A part writes its files into the archive for the user; its line explains them in README.txt.
Writer = Callable[[User, zipfile.ZipFile], None]


@dataclass(frozen=True)
class DataPart:
    name: str
    readme: str
    writer: Writer


@dataclass(frozen=True)
class DataFile:
    storage_key: str
    filename: str
    size: int


def register_part(app: Flask, name: str, readme: str, writer: Writer) -> None:
    """Let a domain add files to every data download; parts keep registration order."""
    parts: list[DataPart] = app.extensions.setdefault("data_export_parts", [])
    if any(part.name == name for part in parts):
        raise RuntimeError(f"Data export part {name!r} is already registered.")
    parts.append(DataPart(name, readme, writer))


def to_json(value: Any) -> bytes:
    """Pretty UTF-8 JSON; times as ISO 8601 (UTC)."""

    def default(obj: object) -> str:
        if isinstance(obj, datetime | date):
            return obj.isoformat()
        return str(obj)

    return json.dumps(value, indent=2, ensure_ascii=False, default=default).encode("utf-8")


def row_dict(row: object, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Every mapped column of ``row`` (new columns are included without listing them)."""
    table = sa.inspect(type(row)).local_table
    return {c.key: getattr(row, c.key) for c in table.columns if c.key not in skip}


def _profile(user: User, archive: zipfile.ZipFile) -> None:
    archive.writestr("profile.json", to_json(row_dict(user, SECRET_COLUMNS)))


def _organizations(user: User, archive: zipfile.ZipFile) -> None:
    rows = db.session.execute(
        sa.select(Organization, Membership)
        .join(Membership, Membership.org_id == Organization.id)
        .where(Membership.user_id == user.id)
        .order_by(Organization.id)
    )
    data = [
        {
            "slug": org.slug,
            "name": org.name,
            "website": org.website,
            "role": membership.role,
            "member_since": membership.created_at,
        }
        for org, membership in rows
    ]
    archive.writestr("organizations.json", to_json(data))


ACCOUNT_PARTS = (
    DataPart("profile", "profile.json: your account (settings included; no password).", _profile),
    DataPart(
        "organizations",
        "organizations.json: the organizations you belong to and your role in each.",
        _organizations,
    ),
)


def _parts() -> list[DataPart]:
    return [*ACCOUNT_PARTS, *current_app.extensions.get("data_export_parts", [])]


def running_data_export(user: User) -> Job | None:
    """The person's export still waiting or being made, if any."""
    return db.session.scalar(
        sa.select(Job)
        .where(
            Job.kind == DATA_EXPORT_KIND,
            Job.owner_id == user.id,
            Job.state.in_([JobState.PENDING, JobState.RUNNING]),
        )
        .order_by(Job.id.desc())
        .limit(1)
    )


def recent_data_exports(user: User, now: datetime | None = None) -> list[Job]:
    """The person's finished exports still offered for download, newest first."""
    cutoff = (now or utcnow()) - DATA_EXPORT_TTL
    return list(
        db.session.scalars(
            sa.select(Job)
            .where(
                Job.kind == DATA_EXPORT_KIND,
                Job.owner_id == user.id,
                Job.state == JobState.DONE,
                Job.finished_at >= cutoff,
            )
            .order_by(Job.id.desc())
            .limit(5)
        )
    )


def request_data_export(*, actor: User) -> Job:
    """Queue a data download for ``actor``, or return the one already under way. Commits."""
    job = running_data_export(actor)
    if job is not None:
        return job
    job = enqueue(
        DATA_EXPORT_KIND,
        {
            # Shown on the progress page, in the language of the person who asked.
            "title": _("Your data"),
            "back": {
                "endpoint": "accounts.data_export",
                "values": {},
                "label": _("Back to your data"),
            },
        },
        owner_id=actor.id,
    )
    db.session.commit()
    return job


def build_data_export(job: Job) -> None:
    """The job: write every part into a ZIP as its owner, store it, record where it is."""
    user = db.session.get(User, job.owner_id) if job.owner_id else None
    if user is None:
        record_result(job, {"refused": _("The account is gone.")})
        return
    with recipient_locale(user):
        _build(job, user)


def _build(job: Job, user: User) -> None:
    parts = _parts()
    spool = SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b")  # noqa: SIM115
    with spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for n, part in enumerate(parts):
                report_progress(
                    job, 5 + 85 * n // len(parts), _("Writing %(part)s", part=part.name)
                )
                part.writer(user, archive)
            archive.writestr("README.txt", _readme(user, parts))
        spool.seek(0)
        data = spool.read()
    report_progress(job, 95, _("Storing the file"))
    key = storage().put(data)
    filename = f"openprize-data-{user.handle}-{utcnow():%Y%m%d}.zip"
    record_result(
        job,
        {
            "storage_key": key,
            "filename": filename,
            "size": len(data),
            "message": _(
                "Your data is ready: %(filename)s. The link works for a day.", filename=filename
            ),
            "next": {
                "endpoint": "accounts.data_export_download",
                "values": {"job_id": job.id},
                "label": _("Download %(filename)s", filename=filename),
            },
        },
    )


def _readme(user: User, parts: list[DataPart]) -> str:
    made = utcnow().strftime("%Y-%m-%d %H:%M")
    lines = [
        _(
            "Your data on OpenPrize (@%(handle)s), made %(when)s UTC.",
            handle=user.handle,
            when=made,
        ),
        "",
        _(
            "Times are UTC (ISO 8601). Money amounts are in minor units (cents) with their\n"
            "currency. Only your own data is here: teammates' e-mail addresses and the\n"
            "identities of judges who reviewed your entries are left out."
        ),
        "",
        _("README.txt: this file."),
        *[str(part.readme) for part in parts],
    ]
    return "\n".join(lines) + "\n"


def data_export_job(actor: User, job_id: int) -> Job:
    """The data export ``job_id`` of ``actor``; NotFound for anyone else's."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind != DATA_EXPORT_KIND or job.owner_id != actor.id:
        raise NotFound(_("There is no such download."))
    return job


def data_file(job: Job) -> DataFile | None:
    """The stored ZIP of a finished export, None while it is being made; Gone after a day."""
    result = job.result or {}
    if job.state != JobState.DONE or "storage_key" not in result:
        return None
    if job.finished_at is not None and job.finished_at < utcnow() - DATA_EXPORT_TTL:
        raise Gone(str(EXPIRED))
    return DataFile(result["storage_key"], result["filename"], int(result["size"]))


def open_data_file(file: DataFile) -> BinaryIO:
    return open_stored(file.storage_key, str(EXPIRED))


def recent_data_export_keys(now: datetime | None = None) -> set[str]:
    """Storage keys of data downloads still offered (the storage sweep keeps them)."""
    return stored_result_keys(DATA_EXPORT_KIND, DATA_EXPORT_TTL, now)

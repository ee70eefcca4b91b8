"""The entries part of a person's data download (see accounts/data_export.py): every entry the
person is on the team of, each version as JSON with its files from storage."""

from __future__ import annotations

import shutil
import zipfile

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from accounts.data_export import register_part, row_dict, to_json
from accounts.models import User
from core.db import db
from core.storage import storage
from core.text import slugify
from submissions.exports import COPY_CHUNK, safe_member_name
from submissions.models import Submission, SubmissionVersion, TeamMember

README = _l(
    "entries/: one folder per entry you are on the team of: entry.json (the working copy and "
    "the team, without e-mail addresses) and v<N>/version.json with that version's files."
)


def _team(entry: Submission) -> list[dict[str, object]]:
    return [
        {
            "handle": member.user.handle,
            "display_name": member.user.display_name,
            "role": member.role,
            "share_percent": member.share_bp / 100,
        }
        for member in entry.members
    ]


def _write_version(archive: zipfile.ZipFile, folder: str, version: SubmissionVersion) -> None:
    files = []
    taken = {"version.json"}
    for attachment in version.attachments:
        member = safe_member_name(attachment.filename, taken, fallback=f"file-{attachment.id}")
        listed = {
            "filename": attachment.filename,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "file": f"{folder}/{member}",
        }
        try:
            source = storage().open(attachment.storage_key)
        except (FileNotFoundError, ValueError):
            listed["file"] = None  # missing from storage
        else:
            with source, archive.open(f"{folder}/{member}", "w") as target:
                shutil.copyfileobj(source, target, COPY_CHUNK)
        files.append(listed)
    data = row_dict(version, frozenset({"created_by_id", "submission_id"}))
    data["attachments"] = files
    archive.writestr(f"{folder}/version.json", to_json(data))


def write_entries(user: User, archive: zipfile.ZipFile) -> None:
    entries = db.session.scalars(
        sa.select(Submission)
        .join(TeamMember, TeamMember.submission_id == Submission.id)
        .where(TeamMember.user_id == user.id)
        .options(selectinload(Submission.members).selectinload(TeamMember.user))
        .order_by(Submission.id)
    ).all()
    for entry in entries:
        folder = f"entries/{entry.id}-{slugify(entry.title or 'untitled', max_length=40)}"
        data = row_dict(entry, frozenset({"owner_id"}))
        data["challenge"] = {"slug": entry.challenge.slug, "title": entry.challenge.title}
        data["team"] = _team(entry)
        archive.writestr(f"{folder}/entry.json", to_json(data))
        versions = db.session.scalars(
            sa.select(SubmissionVersion)
            .where(SubmissionVersion.submission_id == entry.id)
            .options(selectinload(SubmissionVersion.attachments))
            .order_by(SubmissionVersion.number)
        )
        for version in versions:
            _write_version(archive, f"{folder}/v{version.number}", version)


def register_data_parts(app: Flask) -> None:
    register_part(app, "entries", README, write_entries)

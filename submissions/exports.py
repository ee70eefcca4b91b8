"""Sponsor exports of a challenge's entries: a CSV table and a ZIP of texts and files.

Exports hold entry content, so they follow the visibility policy: only after the deadline
(at once when the profile is public on submit), only for owners, managers and admins, and
only the entries the actor may see (submitted and disqualified ones, never drafts or
withdrawn entries). A sponsor member who sits on a blind panel gets them without names.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from tempfile import SpooledTemporaryFile
from typing import IO

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import User
from challenges.models import Challenge
from challenges.openness import SolutionVisibility
from core.db import db, utcnow
from core.errors import ensure
from core.storage import storage
from core.text import slugify
from core.timefmt import iso_utc
from submissions.gallery import latest_versions
from submissions.models import (
    Attachment,
    Submission,
    SubmissionStatus,
    SubmissionVersion,
    TeamMember,
)
from submissions.policies import can_manage_entries
from submissions.services import utc_text
from submissions.visibility import SPONSOR_SEES, authors_hidden_in, visible_condition

CSV_HEADER = [
    "id",
    "title",
    "status",
    "owner_handle",
    "team_handles",
    "shares_percent",
    "versions",
    "first_submitted_utc",
    "last_submitted_utc",
    "latest_hash",
]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # larger ZIPs roll over to a temporary file on disk
COPY_CHUNK = 1024 * 1024
CHUNK = 50  # entries loaded (and progress reported) at a time
# Called with (entries done, entries in all) after each chunk; it may commit the session.
Progress = Callable[[int, int], None]
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def exports_open(challenge: Challenge, now: datetime | None = None) -> bool:
    """Entries may leave the platform once the sponsor is entitled to read them all."""
    now = now or utcnow()
    return (
        now >= challenge.closes_at
        or challenge.solution_visibility == SolutionVisibility.PUBLIC_ON_SUBMIT
    )


def check_export(actor: User, challenge: Challenge) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` may take the challenge's entries away now."""
    ensure(
        can_manage_entries(actor, challenge),
        _("Only the sponsor's owners and managers can export entries."),
    )
    ensure(
        exports_open(challenge),
        _(
            "Entries in this challenge stay private until the submission deadline (%(when)s); "
            "exports open then.",
            when=utc_text(challenge.closes_at),
        ),
    )


def _entry_ids(actor: User, challenge: Challenge) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Submission.id)
            .join(Challenge, Challenge.id == Submission.challenge_id)
            .where(
                Submission.challenge_id == challenge.id,
                Submission.status.in_(SPONSOR_SEES),
                visible_condition(actor),
            )
            .order_by(Submission.id)
        )
    )


def _chunks(
    actor: User, challenge: Challenge, progress: Progress | None, *, with_attachments: bool
) -> Iterator[tuple[list[Submission], dict[int, SubmissionVersion]]]:
    """The visible entries, ``CHUNK`` at a time with their latest versions. ``progress`` is
    called after each chunk; it may commit the session, so each chunk is loaded afresh."""
    ids = _entry_ids(actor, challenge)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        entries = db.session.scalars(
            sa.select(Submission)
            .where(Submission.id.in_(chunk))
            .options(
                joinedload(Submission.owner),
                selectinload(Submission.members).joinedload(TeamMember.user),
            )
            .order_by(Submission.id)
        ).all()
        yield list(entries), latest_versions(chunk, with_attachments=with_attachments)
        if progress is not None:
            progress(min(start + CHUNK, len(ids)), len(ids))


def neutralise(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a quote before it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def _iso(value: datetime | None) -> str:
    return iso_utc(value) if value else ""


def entries_csv(*, actor: User, challenge: Challenge, progress: Progress | None = None) -> str:
    """One row per visible entry; cells are neutralised against formula injection."""
    check_export(actor, challenge)
    hidden = authors_hidden_in(actor, challenge)  # a sponsor member on the blind panel
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for entries, versions in _chunks(actor, challenge, progress, with_attachments=False):
        for entry in entries:
            writer.writerow(_csv_row(entry, versions.get(entry.id), hidden))
    return out.getvalue()


def _csv_row(entry: Submission, version: SubmissionVersion | None, hidden: bool) -> list[str]:
    return [
        neutralise(cell)
        for cell in [
            entry.id,
            version.title if version else entry.title,
            entry.status,
            "" if hidden else entry.owner.handle,
            "" if hidden else ";".join(member.user.handle for member in entry.members),
            ";".join(f"{member.share_bp / 100:.2f}" for member in entry.members),
            entry.current_version,
            _iso(entry.first_submitted_at),
            _iso(entry.last_submitted_at),
            version.content_hash if version else "",
        ]
    ]


def safe_member_name(name: str, taken: set[str], fallback: str = "file") -> str:
    """A file name that cannot climb out of its folder and is unique within it."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("_", name).strip(" .")[:120] or fallback
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate = f"{stem}-{n}.{ext}" if dot else f"{stem}-{n}"
        n += 1
    taken.add(candidate.lower())
    return candidate


STATUS_NAMES = {
    SubmissionStatus.DRAFT: _l("Draft"),
    SubmissionStatus.SUBMITTED: _l("Submitted"),
    SubmissionStatus.WITHDRAWN: _l("Withdrawn"),
    SubmissionStatus.DISQUALIFIED: _l("Disqualified"),
}


def _entry_markdown(entry: Submission, version: SubmissionVersion | None, hidden: bool) -> str:
    """The entry's ``entry.md`` for people to read, in its exporter's language."""
    shown = version or entry
    team = ", ".join(
        f"{m.user.display_name} (@{m.user.handle}, {m.share_bp / 100:.2f}%)" for m in entry.members
    )
    if hidden:
        team = _("%(count)s (names shown with the results: blind review)", count=len(entry.members))
    facts = [
        (_("Entry"), entry.id),
        (_("Status"), STATUS_NAMES.get(entry.status, entry.status)),
        (_("Version"), entry.current_version),
        (_("Content hash (sha256)"), version.content_hash if version else _("none")),
        (_("First submitted (UTC)"), _iso(entry.first_submitted_at)),
        (_("Last submitted (UTC)"), _iso(entry.last_submitted_at)),
        (_("Team"), team),
    ]
    if entry.status == SubmissionStatus.DISQUALIFIED:
        facts.append((_("Disqualified"), entry.disqualified_reason))
    # gettext outside the f-strings: Babel does not look inside them (Python 3.11).
    title, summary, description = shown.title or _("Untitled entry"), _("Summary"), _("Description")
    lines = [f"# {title}", "", *[f"- {k}: {v}" for k, v in facts]]
    lines += ["", f"## {summary}", "", shown.summary, "", f"## {description}", ""]
    lines.append(shown.body_md)
    links = [link for link in shown.links.splitlines() if link.strip()]
    if links:
        heading = _("Links")
        lines += ["", f"## {heading}", "", *[f"- {link}" for link in links]]
    return "\n".join(lines) + "\n"


def _write_attachments(
    archive: zipfile.ZipFile, folder: str, attachments: list[Attachment]
) -> list[str]:
    taken: set[str] = {"entry.md"}
    listed = []
    for attachment in attachments:
        member = safe_member_name(attachment.filename, taken, fallback=f"file-{attachment.id}")
        try:
            source = storage().open(attachment.storage_key)
        except (FileNotFoundError, ValueError):
            listed.append(f"- {attachment.filename} (not included: missing from storage)")
            continue
        with source, archive.open(f"{folder}/{member}", "w") as target:
            shutil.copyfileobj(source, target, COPY_CHUNK)
        listed.append(f"- {member} ({attachment.size} bytes, sha256 {attachment.sha256})")
    return listed


def entries_zip(
    *, actor: User, challenge: Challenge, progress: Progress | None = None
) -> tuple[IO[bytes], int]:
    """A ZIP with a folder per visible entry: ``entry.md`` (latest version) and its files.

    Built in a spooled temporary file, so large exports go to disk rather than memory.
    Returns the file, rewound, and its size.
    """
    check_export(actor, challenge)
    hidden = authors_hidden_in(actor, challenge)
    spool = SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b")  # noqa: SIM115
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entries, versions in _chunks(actor, challenge, progress, with_attachments=True):
            for entry in entries:
                _write_entry(archive, entry, versions.get(entry.id), hidden)
    size = spool.tell()
    spool.seek(0)
    return spool, size


def _write_entry(
    archive: zipfile.ZipFile, entry: Submission, version: SubmissionVersion | None, hidden: bool
) -> None:
    title = (version.title if version else entry.title) or "untitled"
    folder = f"{entry.id}-{slugify(title, max_length=40)}"
    text = _entry_markdown(entry, version, hidden)
    files = _write_attachments(archive, folder, version.attachments if version else [])
    if files:
        text += "\n## Attachments\n\n" + "\n".join(files) + "\n"
    archive.writestr(f"{folder}/entry.md", text)

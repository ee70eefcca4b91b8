"""Entry files: upload checks (size, type by content, zip safety, safe names) and their services."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from accounts.models import User
from accounts.policies import is_admin
from core.db import db, utcnow
from core.errors import Conflict, NotFound, ValidationFailed, ensure
from core.storage import StorageUnavailable, storage
from submissions.models import Attachment, Submission
from submissions.services import (
    latest_version,
    live_attachments,
    lock_submission,
    needs_reacceptance,
)
from submissions.visibility import can_view_submission, is_team_member

MB = 1024 * 1024
MAX_FILES = 20
ZIP_MAX_MEMBERS = 1000
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = MB  # below this a member cannot be a bomb, and small XML compresses wildly
ZIP_MAX_UNPACKED = 200 * MB
MAX_NAME = 200
ACCEPTED = _l("PDF, PNG, JPEG, GIF, WebP, ZIP, Office, OpenDocument, text, CSV, Markdown, JSON")
ACCEPT_ATTR = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.zip,.docx,.xlsx,.pptx,.odt,.ods,.odp,.txt,.csv,.md"


@dataclass(frozen=True)
class FileType:
    content_type: str
    extensions: tuple[str, ...]  # the first names files that came without a fitting one


OOXML = "application/vnd.openxmlformats-officedocument."
ODF = "application/vnd.oasis.opendocument."
PDF = FileType("application/pdf", ("pdf",))
PNG = FileType("image/png", ("png",))
JPEG = FileType("image/jpeg", ("jpg", "jpeg"))
GIF = FileType("image/gif", ("gif",))
WEBP = FileType("image/webp", ("webp",))
ZIP = FileType("application/zip", ("zip",))
DOCX = FileType(OOXML + "wordprocessingml.document", ("docx",))
XLSX = FileType(OOXML + "spreadsheetml.sheet", ("xlsx",))
PPTX = FileType(OOXML + "presentationml.presentation", ("pptx",))
_TEXT_EXTENSIONS = ("txt", "text", "md", "markdown", "csv", "tsv", "json", "log")
TEXT = FileType("text/plain", _TEXT_EXTENSIONS)
CSV = FileType("text/csv", ("csv", *_TEXT_EXTENSIONS))
MARKDOWN = FileType("text/markdown", ("md", *_TEXT_EXTENSIONS))
JSON = FileType("application/json", ("json", *_TEXT_EXTENSIONS))

_ODF_KINDS = (("text", "odt"), ("spreadsheet", "ods"), ("presentation", "odp"))
_MAGIC = {b"%PDF-": PDF, b"\x89PNG\r\n\x1a\n": PNG, b"\xff\xd8\xff": JPEG, b"GIF87a": GIF}
_MAGIC[b"GIF89a"] = GIF
_OFFICE = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
_ODF = {ODF + kind: FileType(ODF + kind, (ext,)) for kind, ext in _ODF_KINDS}
# ELF, Mach-O (fat, 32, 64, both byte orders), WebAssembly, and a DOS/PE header ("MZ" + NULs).
_EXECUTABLE = re.compile(
    rb"\A(\x7fELF|\xca\xfe\xba\xbe|\xfe\xed\xfa[\xce\xcf]|[\xce\xcf]\xfa\xed\xfe|\x00asm"
    rb"|MZ.{0,62}\x00)",
    re.S,
)
_ARCHIVE = re.compile(
    rb"\A(PK\x03\x04|PK\x05\x06|\x1f\x8b|\xfd7zXZ|7z\xbc\xaf|Rar!|\x28\xb5\x2f\xfd)"
)
_ARCHIVE_NAME = re.compile(r"\.(zip|jar|war|apk|7z|rar|gz|tgz|bz2|xz|zst|tar|cab|iso)$", re.I)
_MARKUP = re.compile(r"\A<|<(!doctype|html|head|body|script|svg|\?xml|iframe|object|embed)", re.I)
_MARKDOWN = re.compile(r"^(#{1,6} |```|> |[-*+] \S)|\[[^\]\n]+\]\([^)\s]+\)", re.M)
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\.|$)", re.I)
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*]')
_ZIP_ERRORS = (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError, ValueError)


class UploadRefused(ValidationFailed):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


def _type_help() -> str:
    text: str = _(
        "Accepted: %(formats)s. HTML, SVG, scripts and programs are not accepted.",
        formats=str(ACCEPTED),
    )
    return text


def sniff(data: bytes, *, max_unpacked: int = ZIP_MAX_UNPACKED) -> FileType:
    """The file's type from its bytes alone (never its name); refuses markup, scripts, programs
    and unsafe archives with a message saying why."""
    if not data:
        raise UploadRefused(_("The file is empty."))
    if _EXECUTABLE.match(data):
        raise UploadRefused(_("Programs are not accepted.") + " " + _type_help())
    for magic, file_type in _MAGIC.items():
        if data.startswith(magic):
            return file_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        try:
            return _zip_type(zipfile.ZipFile(io.BytesIO(data)), max_unpacked)
        except _ZIP_ERRORS as error:
            raise UploadRefused(
                _("The archive is damaged or uses an unsupported format.")
            ) from error
    return _text_type(data)


def _text_type(data: bytes) -> FileType:
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        raise UploadRefused(_("This kind of file is not accepted.") + " " + _type_help())
    head = text.lstrip()[:1024]
    if _MARKUP.search(head):
        raise UploadRefused(
            _(
                "This file contains HTML, SVG or XML markup, whatever its name says. "
                "Export it as PDF, or put it in a ZIP archive."
            )
        )
    if head.startswith("#!"):
        raise UploadRefused(_("Scripts are not accepted. Put them in a ZIP archive."))
    if head[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            json.loads(text)
            return JSON
    lines = [line for line in text[:8192].splitlines() if line.strip()][:10]
    for delimiter in (",", ";", "\t"):
        counts = {line.count(delimiter) for line in lines}
        if len(lines) >= 2 and len(counts) == 1 and counts.pop() >= 1:
            return CSV
    return MARKDOWN if _MARKDOWN.search(text[:8192]) else TEXT


def _zip_type(archive: zipfile.ZipFile, max_unpacked: int) -> FileType:
    """Checks the archive's directory without extracting it: at most a header per member."""
    members = archive.infolist()
    if len(members) > ZIP_MAX_MEMBERS:
        raise UploadRefused(_("The archive holds more than %(max)s files.", max=ZIP_MAX_MEMBERS))
    for member in members:
        _check_member(archive, member)
    if sum(member.file_size for member in members) > max_unpacked:
        raise UploadRefused(
            _("The archive unpacks to more than %(max)s MB.", max=max_unpacked // MB)
        )
    names = set(archive.namelist())
    for name, file_type in _OFFICE.items():
        if name in names:
            return file_type
    if "mimetype" in names:
        declared = archive.open("mimetype").read(100).decode("ascii", "replace").strip()
        return _ODF.get(declared, ZIP)
    return ZIP


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    name = member.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise UploadRefused(
            _("The archive contains a file with an unsafe path (absolute or '..').")
        )
    if member.flag_bits & 0x1:
        raise UploadRefused(
            _("Password-protected archives cannot be checked, so they are refused.")
        )
    ratio = member.file_size / max(member.compress_size, 1)
    if member.file_size > ZIP_RATIO_FLOOR and ratio > ZIP_MAX_RATIO:
        raise UploadRefused(
            _("The archive looks like a zip bomb: a file in it compresses too well.")
        )
    if parts[-1].lower() == "vbaproject.bin":
        raise UploadRefused(_("Office files with macros are not accepted."))
    if member.is_dir():
        return
    with archive.open(member) as stream:
        head = stream.read(262)
    if _ARCHIVE_NAME.search(name) or _ARCHIVE.match(head) or head[257:262] == b"ustar":
        raise UploadRefused(
            _(
                "The archive contains another archive (%(name)s); add its files directly instead.",
                name=name[:60],
            )
        )


def safe_filename(raw: str | None, file_type: FileType) -> str:
    """A readable name, safe on every system, ending with an extension of ``file_type``:
    directories, control and format characters (such as right-to-left overrides) are dropped."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if ch.isspace() else ch for ch in name if ch.isspace() or ch.isprintable())
    name = " ".join(_UNSAFE_CHARS.sub("_", name).split()).strip(" ._")
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in file_type.extensions:
        stem, extension = name, file_type.extensions[0]
    stem = stem.strip(" ._") or "attachment"
    if _WINDOWS_RESERVED.match(stem):
        stem = "_" + stem
    stem = stem[: MAX_NAME - len(extension) - 1].rstrip(" .")
    return f"{stem}.{extension}"


def check_upload(
    stream: BinaryIO, filename: str | None, *, max_upload_mb: int
) -> tuple[bytes, Attachment]:
    """Read at most the size limit, hashing as it goes, then decide the type from the bytes.
    Returns the bytes and an unsaved Attachment with the safe name, sniffed type, size, hash."""
    limit, digest, chunks, size = max_upload_mb * MB, hashlib.sha256(), [], 0
    while chunk := stream.read(MB):
        size += len(chunk)
        if size > limit:
            raise UploadRefused(
                _("The file is too large: files may be at most %(limit)s MB.", limit=max_upload_mb)
            )
        digest.update(chunk)
        chunks.append(chunk)
    data = b"".join(chunks)
    file_type = sniff(data, max_unpacked=min(10 * limit, ZIP_MAX_UNPACKED))
    checked = Attachment(
        filename=safe_filename(filename, file_type),
        content_type=file_type.content_type,
        size=size,
        sha256=digest.hexdigest(),
    )
    return data, checked


def _check_can_change(actor: User, submission: Submission) -> None:
    ensure(is_team_member(actor, submission), _("Only the entry's team can change its files."))
    if not submission.is_active or submission.challenge.cancelled_at is not None:
        raise Conflict(_("This entry can no longer change."))
    if utcnow() >= submission.challenge.closes_at:
        raise Conflict(_("The deadline has passed: files can no longer be added or removed."))
    if needs_reacceptance(submission):
        raise Conflict(_("The rules changed since you accepted them. Accept the new rules first."))


def _check_room(submission: Submission, sha256: str) -> None:
    live = live_attachments(submission)
    for attachment in live:
        if attachment.sha256 == sha256:
            raise Conflict(
                _("This file is already attached as “%(filename)s”.", filename=attachment.filename)
            )
    if len(live) >= MAX_FILES:
        raise Conflict(
            _("An entry can hold at most %(max)s files. Remove one to add another.", max=MAX_FILES)
        )


def add_attachment(*, actor: User, submission: Submission, file_storage: FileStorage) -> Attachment:
    """Check and store a file, then list it on the entry's working copy (the next saved version
    includes it). Team only, before the deadline, at most MAX_FILES, no duplicate content.

    The blob is stored before the row is committed: if the commit fails the blob stays as
    harmless, unreferenced garbage; if storing fails no row is written.
    """
    _check_can_change(actor, submission)
    limit, stream = current_app.config["MAX_UPLOAD_MB"], file_storage.stream
    data, attachment = check_upload(stream, file_storage.filename, max_upload_mb=limit)
    _check_room(submission, attachment.sha256)
    try:
        attachment.storage_key = storage().put(data)
    except OSError as error:
        current_app.logger.exception("storing an attachment failed")
        raise StorageUnavailable(_("The file could not be stored. Please try again.")) from error
    submission = lock_submission(submission)
    _check_can_change(actor, submission)  # checked again: a teammate may have raced us
    _check_room(submission, attachment.sha256)
    attachment.submission_id, attachment.uploaded_by_id = submission.id, actor.id
    db.session.add(attachment)
    db.session.commit()
    return attachment


def get_attachment(submission: Submission, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.submission_id != submission.id:
        raise NotFound(_("There is no such file on this entry."))
    return attachment


def remove_attachment(*, actor: User, attachment: Attachment) -> Attachment:
    """Take a file off the working copy; versions that included it keep it (and its blob)."""
    submission = lock_submission(db.session.get(Submission, attachment.submission_id))
    _check_can_change(actor, submission)
    if attachment.removed_at is None:
        attachment.removed_at = utcnow()
    db.session.commit()
    return attachment


def attachment_for_download(
    user: User | None, submission: Submission, attachment_id: int
) -> Attachment:
    """The team and admins get any of the entry's files; anyone else only files of the latest
    version, and only when the visibility policy shows them the entry. Otherwise NotFound."""
    attachment = get_attachment(submission, attachment_id)
    if is_admin(user) or is_team_member(user, submission):
        return attachment
    latest = latest_version(submission) if can_view_submission(user, submission) else None
    if latest is None or attachment not in latest.attachments:
        raise NotFound(_("There is no such file on this entry."))
    return attachment


def unsaved_file_changes(submission: Submission) -> bool:
    """Whether the working files differ from the latest version's (a save would include them)."""
    latest = latest_version(submission)
    shown = {a.id for a in latest.attachments} if latest else set()
    return shown != {a.id for a in live_attachments(submission)}

"""Entry files through the web: upload, download headers, removal, visibility, refusals."""

from __future__ import annotations

import hashlib
import os
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from core.db import db, frozen_time, utcnow
from core.storage import storage
from submissions.models import Attachment, Submission, TeamMember
from tests.attachment_support import (
    assert_safe_download,
    attach,
    count_attachments,
    entry,
    landing,
    login,
    page,
    save,
    upload,
    url_of,
    user,
)
from tests.factories import make_user
from tests.upload_support import PDF, make_zip, png_bytes


@pytest.fixture(scope="session")
def storage_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("uploads"))


@pytest.fixture(autouse=True)
def _storage_in_temp_dir(app: Flask, web_app: Flask, storage_dir: str, monkeypatch) -> None:
    for each in (app, web_app):
        monkeypatch.setitem(each.config, "STORAGE_DIR", storage_dir)


def test_uploaded_file_round_trips_with_safe_download_headers(web_app: Flask, storage_dir) -> None:
    submission = entry()
    client = login(web_app, submission.owner)
    edit_page = landing(client, upload(client, submission, PDF, "../../Design Notes.pdf"))
    assert "Added “Design Notes.pdf”" in edit_page and "data-confirm=" in edit_page  # remove
    assert '<label class="form-label" for="attachment-file">' in edit_page
    assert 'enctype="multipart/form-data"' in edit_page and "25 MB per file" in edit_page
    attachment = db.session.scalars(sa.select(Attachment)).one()
    digest = hashlib.sha256(PDF).hexdigest()
    assert attachment.sha256 == attachment.storage_key == digest and attachment.size == len(PDF)
    assert os.path.isfile(os.path.join(storage_dir, digest[:2], digest[2:4], digest))

    assert_safe_download(client.get(url_of(attachment)), PDF, "Design Notes.pdf")


def test_upload_names_are_made_harmless(web_app: Flask, storage_dir) -> None:
    submission = entry()
    client = login(web_app, submission.owner)
    for name in ("../../etc/passwd", "..\\..\\boot.ini"):
        landing(client, upload(client, submission, f"not {name}".encode(), name))
    names = db.session.scalars(sa.select(Attachment.filename).order_by(Attachment.id)).all()
    assert names == ["passwd.txt", "boot.ini.txt"]
    assert not os.path.exists(os.path.join(storage_dir, "etc"))
    response = client.get(url_of(attach(submission, png_bytes(), "x.html")))
    assert response.mimetype == "image/png"  # the sniffed type, and a name that agrees with it
    assert response.headers["Content-Disposition"] == "attachment; filename=x.html.png"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<html><body><script>alert(1)</script></body></html>", "report.pdf", "HTML, SVG or XML"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.png", "markup"),
        (make_zip({"zeros.bin": bytes(5 * 1024 * 1024)}), "data.zip", "zip bomb"),
        (make_zip({"../../evil.sh": b"echo"}), "code.zip", "unsafe path"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(54), "setup.pdf", "Programs"),
    ],
)
def test_disguised_and_dangerous_files_are_refused_and_nothing_is_stored(
    web_app: Flask, data: bytes, name: str, message: str
) -> None:
    submission = entry()
    client = login(web_app, submission.owner)
    assert message in landing(client, upload(client, submission, data, name))
    assert count_attachments() == 0
    with web_app.app_context():
        assert not storage().exists(hashlib.sha256(data).hexdigest())


def test_duplicates_and_a_twenty_first_file_are_refused(web_app: Flask) -> None:
    submission = entry()
    attach(submission, PDF, "first.pdf")
    client = login(web_app, submission.owner)
    edit_page = landing(client, upload(client, submission, PDF, "again.pdf"))
    assert "already attached as “first.pdf”" in edit_page
    for n in range(19):
        attach(submission, f"file number {n}".encode(), f"f{n}.txt")
    edit_page = landing(client, upload(client, submission, b"one more", "extra.txt"))
    assert "at most 20 files" in edit_page and "maximum of 20 files" in edit_page
    assert count_attachments() == 20


def test_too_large_files_and_requests_get_a_clear_message(make_app, storage_dir) -> None:
    small = make_app(MAX_UPLOAD_MB=1, STORAGE_DIR=storage_dir)
    assert small.config["MAX_CONTENT_LENGTH"] == 2 * 1024 * 1024
    submission = entry()
    client = login(small, submission.owner)
    for size in (1024 * 1024 + 10, 3 * 1024 * 1024):  # the service's check, then the 413 handler
        edit_page = landing(client, upload(client, submission, b"a" * size, "big.txt"))
        assert "files may be at most 1 MB" in edit_page
    assert count_attachments() == 0
    response = client.post(f"/submissions/{submission.id}/edit", data={"body_md": "x" * 3_000_000})
    assert response.status_code == 413 and "at most 1 MB" in response.get_data(as_text=True)


def test_only_the_team_may_upload_or_remove_and_only_with_a_csrf_token(make_app, storage_dir):
    submission = entry()
    attachment = attach(submission, PDF, "a.pdf")
    client = login(make_app(STORAGE_DIR=storage_dir), make_user("stranger"))
    assert upload(client, submission, png_bytes(), "b.png").status_code == 403
    assert client.post(url_of(attachment, "/remove")).status_code == 403
    guarded = make_app(WTF_CSRF_ENABLED=True, STORAGE_DIR=storage_dir).test_client()
    assert upload(guarded, submission, png_bytes(), "b.png").status_code == 400
    assert count_attachments() == 1


def test_uploads_and_removals_after_the_deadline_are_refused(web_app: Flask) -> None:
    submission = entry()
    attachment = attach(submission, PDF, "a.pdf")
    client = login(web_app, submission.owner)
    with frozen_time(submission.challenge.closes_at + timedelta(seconds=1)):
        assert "deadline has passed" in landing(client, upload(client, submission, b"b", "b.txt"))
        assert "deadline has passed" in landing(client, client.post(url_of(attachment, "/remove")))
    db.session.expire_all()
    assert count_attachments() == 1 and db.session.get(Attachment, attachment.id).removed_at is None


def test_a_storage_failure_leaves_no_row(web_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    class BrokenStorage:
        def put(self, data: bytes) -> str:
            raise OSError("disk full")

    monkeypatch.setitem(web_app.extensions, "openprize.storage", BrokenStorage())
    submission = entry()
    client = login(web_app, submission.owner)
    assert "could not be stored" in landing(client, upload(client, submission, PDF, "a.pdf"))
    assert count_attachments() == 0


def test_removing_a_file_keeps_it_in_earlier_versions(web_app: Flask) -> None:
    submission = entry()
    attachment = attach(submission, PDF, "plan.pdf")
    save(submission)
    client = login(web_app, submission.owner)
    assert "Save new version" in landing(client, client.post(url_of(attachment, "/remove")))
    edit_page = page(client, f"/submissions/{submission.id}/edit")
    assert "Your files changed since version 1" in edit_page
    save(db.session.get(Submission, submission.id))

    assert "plan.pdf" in page(client, f"/submissions/{submission.id}/versions/1")
    assert "plan.pdf" not in page(client, f"/submissions/{submission.id}/versions/2")
    assert client.get(url_of(attachment)).status_code == 200  # the team keeps old versions' files
    assert web_app.test_client().get(url_of(attachment)).status_code == 404  # others: latest only


def submitted_and_working(visibility: str) -> tuple[Submission, Attachment, Attachment]:
    """An entry whose version 1 has submitted.pdf, with working.png added after it."""
    submission = entry(visibility)
    submitted = attach(submission, PDF, "submitted.pdf")
    save(submission)
    return submission, submitted, attach(submission, png_bytes(), "working.png")


def viewer_client(web_app: Flask, who: str, submission: Submission) -> FlaskClient:
    if who == "anonymous":
        return web_app.test_client()
    if who == "sponsor":
        return login(web_app, user("sponsor"))
    viewer = make_user(who, admin=who == "admin")
    if who == "teammate":
        member = TeamMember(submission_id=submission.id, challenge_id=submission.challenge_id)
        member.user_id = viewer.id
        db.session.add(member)
        db.session.commit()
    return login(web_app, viewer)


# visibility, viewer, moment, status for the file in the latest version, for a working file
DOWNLOAD_CASES = """
public_on_submit    teammate   open     200 200
sponsor_only        admin      open     200 200
public_on_submit    anonymous  open     200 404
public_on_submit    stranger   open     200 404
public_after_close  anonymous  open     404 404
public_after_close  anonymous  closed   404 404
public_after_close  anonymous  awarded  200 404
public_after_close  sponsor    open     404 404
public_after_close  sponsor    closed   200 404
sponsor_only        sponsor    closed   200 404
sponsor_only        stranger   awarded  404 404
"""


@pytest.mark.parametrize(
    ("visibility", "who", "when", "submitted_file", "working_file"),
    [line.split() for line in DOWNLOAD_CASES.strip().splitlines()],
)
def test_downloads_follow_the_visibility_policy(
    web_app: Flask, visibility, who, when, submitted_file, working_file
) -> None:
    submission, submitted, working = submitted_and_working(visibility)
    client = viewer_client(web_app, who, submission)
    challenge = submission.challenge
    if when == "awarded":
        challenge.closes_at, challenge.awarded_at = utcnow() - timedelta(days=2), utcnow()
        db.session.commit()
    with frozen_time(challenge.closes_at + timedelta(hours=1) if when == "closed" else utcnow()):
        assert str(client.get(url_of(submitted)).status_code) == submitted_file
        assert str(client.get(url_of(working)).status_code) == working_file


def test_drafts_files_and_other_entries_files_stay_hidden(web_app: Flask) -> None:
    submission = entry()
    url = url_of(attach(submission, PDF, "draft.pdf"))
    assert web_app.test_client().get(url).status_code == 404
    with frozen_time(submission.challenge.closes_at + timedelta(hours=1)):
        assert login(web_app, user("sponsor")).get(url).status_code == 404
    assert login(web_app, submission.owner).get(url).status_code == 200
    other = entry(tag="2")
    save(other)  # a visible entry cannot lend its address to another entry's file
    assert (
        login(web_app, other.owner)
        .get(url.replace(f"/{submission.id}/", f"/{other.id}/"))
        .status_code
        == 404
    )


def test_the_entry_page_lists_the_versions_files_and_the_team_sees_working_files(web_app) -> None:
    submission, _, _ = submitted_and_working("public_on_submit")
    public = page(web_app.test_client(), f"/submissions/{submission.id}")
    assert "submitted.pdf" in public and "working.png" not in public
    team = page(login(web_app, submission.owner), f"/submissions/{submission.id}")
    assert "submitted.pdf" in team and "working.png" in team and "not in version 1 yet" in team

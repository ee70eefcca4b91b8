"""Attachments in object storage: the upload, download and export journey on a real
S3-compatible server (moto), presigned downloads, missing blobs, outages, and the sweep."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from core.db import db, frozen_time
from core.storage import storage
from submissions.models import Attachment, Submission
from submissions.storage_cli import sweep
from tests.attachment_support import (
    assert_safe_download,
    entry,
    landing,
    login,
    save,
    upload,
    url_of,
    user,
)
from tests.job_support import export_entries
from tests.upload_support import PDF

BACKENDS = ["file", "s3"]


@pytest.fixture(params=BACKENDS)
def backend_apps(
    request: pytest.FixtureRequest,
    app: Flask,
    web_app: Flask,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """Both test apps on the local disk (a temporary folder) or on a fresh S3 bucket."""
    if request.param == "s3":
        request.getfixturevalue("s3_apps")
    else:
        for each in (app, web_app):
            monkeypatch.setitem(each.config, "STORAGE_DIR", str(tmp_path / "uploads"))
    return str(request.param)


def _uploaded(web_app: Flask) -> tuple[FlaskClient, Submission, Attachment]:
    submission = entry()
    client = login(web_app, submission.owner)
    assert "Added “Design Notes.pdf”" in landing(
        client, upload(client, submission, PDF, "Design Notes.pdf")
    )
    return client, submission, db.session.scalars(sa.select(Attachment)).one()


def test_upload_download_and_export_through_s3(
    web_app: Flask,
    s3_apps: dict[str, str],
    s3_endpoint: str,
    s3_bucket: str,
) -> None:
    client, submission, attachment = _uploaded(web_app)
    digest = hashlib.sha256(PDF).hexdigest()
    assert storage().exists(digest) and storage().size(digest) == len(PDF)
    assert [key for key, _ in storage().blobs()] == [digest]
    objects = storage().client.list_objects_v2(Bucket=s3_bucket)["Contents"]  # type: ignore[attr-defined]
    assert [item["Key"] for item in objects] == [f"blobs/{digest[:2]}/{digest[2:4]}/{digest}"]

    assert_safe_download(client.get(url_of(attachment)), PDF, "Design Notes.pdf")

    save(submission)
    with frozen_time(submission.challenge.closes_at + timedelta(hours=1)):
        sponsor = login(web_app, user("sponsor"))
        exported = export_entries(sponsor, submission.challenge.slug, "zip")
    assert exported.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(exported.data))
    [pdf] = [name for name in archive.namelist() if name.endswith("Design Notes.pdf")]
    assert archive.read(pdf) == PDF
    # The export was written to the bucket beside the attachment, and streamed from there.
    zipped = hashlib.sha256(exported.data).hexdigest()
    assert sorted(key for key, _ in storage().blobs()) == sorted([digest, zipped])


def test_presigned_downloads_redirect_after_the_permission_check(
    web_app: Flask, s3_apps: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _, attachment = _uploaded(web_app)
    monkeypatch.setitem(web_app.config, "S3_PRESIGNED_DOWNLOADS", True)
    monkeypatch.setitem(web_app.config, "S3_PRESIGNED_EXPIRY", 30)
    response = client.get(url_of(attachment))
    assert response.status_code == 303 and "X-Amz-Expires=30" in response.headers["Location"]
    fetched = requests.get(response.headers["Location"], timeout=10)
    assert fetched.status_code == 200 and fetched.content == PDF
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert fetched.headers["Content-Disposition"].startswith(
        'attachment; filename="Design Notes.pdf"'
    )

    stranger = web_app.test_client()  # a draft's file: no redirect, no link, for anyone else
    assert stranger.get(url_of(attachment)).status_code == 404


def test_missing_blob_gives_a_clear_404_on_both_backends(backend_apps: str, web_app: Flask) -> None:
    client, _, attachment = _uploaded(web_app)
    storage().delete(attachment.storage_key)
    response = client.get(url_of(attachment))
    assert response.status_code == 404
    assert "“Design Notes.pdf” is missing from storage" in response.get_data(as_text=True)


def test_storage_outage_gives_a_503_page(
    app: Flask,
    web_app: Flask,
    s3_apps: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, _, attachment = _uploaded(web_app)
    for each in (app, web_app):
        monkeypatch.setitem(each.config, "S3_ENDPOINT_URL", "http://127.0.0.1:9")
    response = client.get(url_of(attachment))
    assert response.status_code == 503
    assert "File storage is unavailable" in response.get_data(as_text=True)
    submission = db.session.get(Submission, attachment.submission_id)
    refused = landing(client, upload(client, submission, b"more notes", "more.txt"))
    assert "File storage is unavailable" in refused


def test_sweep_deletes_old_orphans_only_on_both_backends(backend_apps: str, web_app: Flask) -> None:
    _, _, referenced = _uploaded(web_app)
    orphan = storage().put(b"an upload whose row never committed")
    day_later = datetime.now(UTC) + timedelta(hours=25)

    assert sweep(older_than=timedelta(hours=24)).deleted == []  # both are fresh
    dry = sweep(older_than=timedelta(hours=24), dry_run=True, now=day_later)
    assert dry.deleted == [orphan] and storage().exists(orphan)
    report = sweep(older_than=timedelta(hours=24), now=day_later)
    assert report.deleted == [orphan] and report.kept == 1
    assert not storage().exists(orphan) and storage().exists(referenced.storage_key)


def test_sweep_command_on_local_files_by_age(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "STORAGE_DIR", str(tmp_path))
    old, fresh = storage().put(b"old orphan"), storage().put(b"fresh orphan")
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).timestamp()
    os.utime(storage().path(old), (two_days_ago, two_days_ago))  # type: ignore[attr-defined]

    runner = app.test_cli_runner()
    dry = runner.invoke(args=["storage", "sweep", "--dry-run"])
    assert dry.exit_code == 0 and f"would delete {old}" in dry.output and storage().exists(old)
    result = runner.invoke(args=["storage", "sweep", "--older-than", "24"])
    assert result.exit_code == 0 and "Deleted 1 unreferenced blob(s)" in result.output
    assert not storage().exists(old) and storage().exists(fresh)

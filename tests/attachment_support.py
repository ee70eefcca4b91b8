"""Attachment helpers shared by the attachment tests: sign in, upload through the form, read
the page it lands on, and check a download's bytes and safety headers."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse

from accounts.models import User
from core.db import db
from submissions.attachments import add_attachment
from submissions.models import Attachment, Submission
from submissions.services import EntryText, enter_challenge, save_entry
from tests.factories import PASSWORD, make_challenge, make_org, make_user


def login(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def page(client: FlaskClient, url: str) -> str:
    return client.get(url).get_data(as_text=True)


def url_of(attachment: Attachment, action: str = "") -> str:
    return f"/submissions/{attachment.submission_id}/attachments/{attachment.id}{action}"


def upload(client: FlaskClient, submission: Submission, data: bytes, name: str) -> TestResponse:
    files = {"file": (io.BytesIO(data), name)}
    url = f"/submissions/{submission.id}/attachments"
    return client.post(url, data=files, content_type="multipart/form-data")


def landing(client: FlaskClient, response: TestResponse) -> str:
    """The edit page a form sends the user back to, with its flashed message."""
    assert response.status_code == 302 and "/edit#attachments" in response.headers["Location"]
    return page(client, response.headers["Location"])


def attach(submission: Submission, data: bytes, name: str) -> Attachment:
    stream = FileStorage(io.BytesIO(data), filename=name)
    return add_attachment(actor=submission.owner, submission=submission, file_storage=stream)


def save(submission: Submission) -> None:
    text = EntryText("Molten salt", "Heat in salt, power at night.", "A long description.", "")
    version, owner = submission.current_version, submission.owner
    save_entry(actor=owner, submission=submission, text=text, base_version=version, submit=True)


def entry(visibility: str = "public_on_submit", tag: str = "") -> Submission:
    challenge = make_challenge(make_org(owner=make_user(f"sponsor{tag}")), visibility=visibility)
    solver, terms = make_user(f"solver{tag}"), {"accepts_terms": True, "attests_eligibility": True}
    return enter_challenge(actor=solver, challenge=challenge, **terms)


def user(handle: str) -> User:
    return db.session.scalars(sa.select(User).filter_by(handle=handle)).one()


def count_attachments() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Attachment))


def assert_safe_download(response: TestResponse, data: bytes, name: str) -> None:
    """The bytes, as a download under the safe name, with headers that keep browsers from
    rendering or sniffing it."""
    assert response.status_code == 200 and response.data == data
    assert response.content_length == len(data) and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "private" in response.headers["Cache-Control"]

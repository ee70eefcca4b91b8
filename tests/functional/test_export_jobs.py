"""Entries exports as jobs: the progress page, who may watch and download, failure, expiry."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import Membership, OrgRole, User
from core.db import db, frozen_time, utcnow
from core.jobs import Job, JobState, report_progress
from core.jobs.runner import run_job
from core.storage import LocalStorage, storage
from submissions.storage_cli import sweep
from tests.conftest import AuthActions
from tests.entries_support import build_world
from tests.factories import PASSWORD
from tests.job_support import ask_for_export, export_entries, next_link, progress_page
from tests.permissions import assert_access, request_as

ROLES = ["anonymous", "solver", "member", "manager", "owner", "other_owner", "admin"]
DOWNLOAD = "/challenges/c/manage/exports/{job}"
# (url, roles allowed) for the manager's export; everyone else gets 404, as for no job at all.
MATRIX = [
    ("/jobs/{job}", {"manager", "admin"}),
    ("/jobs/{job}.json", {"manager", "admin"}),
    (DOWNLOAD, {"manager"}),
]
pytestmark = pytest.mark.usefixtures("export_storage")


def _job_id(asked_for: object) -> int:
    location = asked_for.headers["Location"]  # type: ignore[attr-defined]
    return int(location.rsplit("/", 1)[1])


def _job(job_id: int) -> Job:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job is not None
    return job


@pytest.fixture
def managers_export(client: FlaskClient, auth: AuthActions) -> int:
    """The manager's CSV export of challenge "c" (public on submit), done."""
    build_world("public_on_submit")
    auth.login("manager@example.org")
    job_id = _job_id(ask_for_export(client, "c", "csv"))
    auth.logout()
    return job_id


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "allowed"), MATRIX, ids=[url for url, _ in MATRIX])
def test_only_the_owner_and_admins_watch_an_export_and_only_its_owner_downloads_it(
    client: FlaskClient,
    auth: AuthActions,
    managers_export: int,
    role: str,
    url: str,
    allowed: set[str],
) -> None:
    email = None if role == "anonymous" else f"{role}@example.org"
    response = request_as(client, auth, email, "get", url.format(job=managers_export))
    assert_access(response, role, allowed, denied=404)
    if role in allowed and url == DOWNLOAD:
        assert "Sand battery" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/jobs/0", 404),
        ("/jobs/2147483648", 404),
        ("/jobs/-1", 404),
        ("/jobs/abc", 404),
        ("/jobs/%EF%BC%91", 404),  # a full-width digit one
        ("/jobs/1%00", 400),
        ("/jobs/1.json%00", 400),
        ("/jobs/99999.json", 404),
        ("/challenges/c/manage/exports/99999", 404),
        ("/challenges/nope/manage/exports/1", 404),
    ],
)
def test_hostile_job_addresses_get_an_error_page_never_a_500(
    client: FlaskClient, auth: AuthActions, managers_export: int, url: str, status: int
) -> None:
    auth.login("admin@example.org")
    assert client.get(url).status_code == status


def test_an_export_runs_as_a_job_and_its_page_shows_it_done_with_the_download(
    client: FlaskClient, auth: AuthActions
) -> None:
    world = build_world("public_on_submit")
    manager = db.session.scalar(sa.select(User).where(User.handle == "manager"))
    manager.timezone = "Europe/Berlin"
    db.session.commit()
    auth.login("manager@example.org")
    manage = client.get("/challenges/c/manage").text
    assert 'action="/challenges/c/manage/entries.zip"' in manage and 'method="post"' in manage
    asked = ask_for_export(client, "c", "zip")
    page = progress_page(client, asked)
    text = page.text
    assert page.status_code == 200
    assert "Export of the entries of “" in text and "(ZIP)" in text
    assert re.search(r"Your export is ready: c-entries\.zip, [\d.]+ (bytes|kB)\.", text)
    assert "(Europe/Berlin)" in text  # the time in the viewer's zone, the zone named
    assert '<a href="/challenges/c/manage" id="job-back">Back to the entries</a>' in text
    assert "job_progress.js" not in text and 'http-equiv="refresh"' not in text  # it is over
    status = client.get(f"{asked.headers['Location']}.json").get_json()
    assert status["finished"] is True and status["failed"] is False and status["percent"] == 100
    assert status["next_url"] == next_link(page) and "error" not in status
    download = client.get(next_link(page))
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"] == "attachment; filename=c-entries.zip"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.content_length == len(download.data)
    assert f"{world.entry.id}-sand-battery/entry.md".encode() in download.data


def test_a_waiting_export_shows_an_accessible_bar_that_follows_its_progress(
    client: FlaskClient, auth: AuthActions, held_jobs: list[int]
) -> None:
    build_world("public_on_submit")
    auth.login("manager@example.org")
    asked = ask_for_export(client, "c", "csv")
    job_id = _job_id(asked)
    assert held_jobs[-1] == job_id
    waiting = progress_page(client, asked).text
    assert 'role="progressbar"' in waiting and 'aria-valuenow="0"' in waiting
    assert 'aria-valuemin="0"' in waiting and 'aria-valuemax="100"' in waiting
    assert "Waiting to start" in waiting and "0% done" in waiting
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in waiting
    assert "/static/js/job_progress.js" in waiting and 'data-job-status="/jobs/' in waiting
    # Not made yet: the download address leads back to the progress page.
    download = client.get(DOWNLOAD.format(job=job_id))
    assert download.status_code == 302 and download.headers["Location"] == f"/jobs/{job_id}"

    report_progress(_job(job_id), 40, "20 of 50 entries written")
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert (status["percent"], status["note"], status["finished"]) == (
        40,
        "20 of 50 entries written",
        False,
    )
    page = client.get(f"/jobs/{job_id}").text
    assert 'aria-valuenow="40"' in page and "job-w-40" in page
    assert "40% done: 20 of 50 entries written" in page

    assert run_job(job_id) == "done"
    done = client.get(f"/jobs/{job_id}").text
    assert "Your export is ready: c-entries.csv" in done and 'role="progressbar"' not in done
    assert "Sand battery" in client.get(DOWNLOAD.format(job=job_id)).text


def test_a_failing_export_says_so_in_a_sentence_and_only_admins_see_the_error(
    client: FlaskClient, auth: AuthActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(self: LocalStorage, data: bytes) -> str:
        raise OSError("No space left on device: /srv/openprize/uploads")

    monkeypatch.setattr(LocalStorage, "put", disk_full)
    build_world("public_on_submit")
    auth.login("manager@example.org")
    asked = ask_for_export(client, "c", "zip")
    job_id = _job_id(asked)
    retrying = progress_page(client, asked).text
    assert "Attempt 1 of 3 failed; trying again in a minute or two." in retrying
    assert "No space left" not in retrying
    while _job(job_id).state == JobState.PENDING:  # the retries, due at once
        db.session.execute(sa.update(Job).values(run_after=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        run_job(job_id)
    assert _job(job_id).state == JobState.FAILED

    page = client.get(f"/jobs/{job_id}").text
    assert "could not be finished: something went wrong on our side." in page
    assert "if it fails again, tell the platform team" in page and 'role="alert"' in page
    assert "No space left" not in page and "OSError" not in page
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["failed"] is True and "error" not in status
    assert client.get(DOWNLOAD.format(job=job_id)).headers["Location"] == f"/jobs/{job_id}"
    auth.logout()
    auth.login("admin@example.org")
    assert "OSError: No space left on device" in client.get(f"/jobs/{job_id}").text
    assert "No space left" in client.get(f"/jobs/{job_id}.json").get_json()["error"]


def test_an_export_refused_when_it_runs_says_why(
    client: FlaskClient, auth: AuthActions, held_jobs: list[int]
) -> None:
    build_world("public_on_submit")
    auth.login("manager@example.org")
    job_id = _job_id(ask_for_export(client, "c", "csv"))
    manager = db.session.scalar(sa.select(User).where(User.handle == "manager"))
    db.session.execute(
        sa.update(Membership).where(Membership.user_id == manager.id).values(role=OrgRole.MEMBER)
    )
    db.session.commit()
    assert run_job(job_id) == "done"  # a refusal is an outcome, not retried
    page = html.unescape(client.get(f"/jobs/{job_id}").text)
    assert "could not be made: Only the sponsor's owners and managers can export" in page
    assert 'id="job-failed"' in page and "job-next" not in page
    assert client.get(DOWNLOAD.format(job=job_id)).status_code == 403


def test_an_export_expires_after_a_day_with_a_410_and_the_sweep_deletes_it(
    client: FlaskClient, auth: AuthActions, export_storage: Path
) -> None:
    build_world("public_on_submit")
    auth.login("manager@example.org")
    assert export_entries(client, "c", "csv").status_code == 200
    job = db.session.scalars(sa.select(Job)).one()
    key, url = job.result["storage_key"], DOWNLOAD.format(job=job.id)
    # A fresh export is referenced: a sweep of every unreferenced blob keeps it.
    assert key not in sweep(older_than=timedelta(0), now=utcnow() + timedelta(minutes=1)).deleted
    assert storage().exists(key)

    a_day_later = utcnow() + timedelta(hours=25)
    with frozen_time(a_day_later):
        expired = client.get(url)
        assert expired.status_code == 410
        assert (
            "This export has expired" in expired.text and "Export the entries again" in expired.text
        )
        assert key in sweep(older_than=timedelta(hours=24), now=a_day_later).deleted
    assert not storage().exists(key)
    gone = client.get(url)  # within the day, but the blob is gone: still a 410, not a 500
    assert gone.status_code == 410 and "This export has expired" in gone.text


def test_an_export_needs_a_csrf_token(make_app: object) -> None:
    build_world("public_on_submit")
    client = make_app(WTF_CSRF_ENABLED=True).test_client()  # type: ignore[operator]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
    login = {"email": "manager@example.org", "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/login", data=login).status_code == 302
    assert client.post("/challenges/c/manage/entries.csv").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


def test_the_export_button_is_a_post_the_old_get_address_is_not_an_export(
    client: FlaskClient, auth: AuthActions, app: Flask
) -> None:
    build_world("public_on_submit")
    auth.login("manager@example.org")
    assert client.get("/challenges/c/manage/entries.csv").status_code == 405
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0

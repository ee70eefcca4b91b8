"""The admins' page of background jobs: failures are listed with their error and can be retried."""

from __future__ import annotations

import sqlalchemy as sa
from flask.testing import FlaskClient

from core.db import db
from core.jobs import Job, JobState
from core.mail import Mail
from tests.conftest import AuthActions
from tests.factories import make_user


def _failed_mail() -> Job:
    job = Job(
        kind="mail.send",
        payload={"to": "ada@example.com", "subject": "Your prize", "body": "Paid."},
        state=JobState.FAILED,
        attempts=8,
        max_attempts=8,
        error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    db.session.add(job)
    db.session.commit()
    return job


def test_admins_see_failed_jobs_and_retry_one(
    client: FlaskClient, auth: AuthActions, mails: list[Mail]
) -> None:
    make_user("admin", admin=True)
    job = _failed_mail()
    auth.login("admin@example.org")

    admin = client.get("/admin").get_data(as_text=True)
    assert "1 failed" in admin  # the tab says something needs attention
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "mail.send" in page and "Connection unexpectedly closed" in page

    response = client.post(f"/admin/jobs/{job.id}/retry", follow_redirects=True)
    assert "is queued again" in response.get_data(as_text=True)
    assert [m.subject for m in mails] == ["Your prize"]  # inline: delivered at once
    row = db.session.get(Job, job.id, populate_existing=True)
    assert row.state == JobState.DONE
    assert "No job has failed" in client.get("/admin/jobs").get_data(as_text=True)

    again = client.post(f"/admin/jobs/{job.id}/retry", follow_redirects=True)
    assert "not failed: nothing to retry" in again.get_data(as_text=True)
    assert len(mails) == 1


def test_retrying_a_job_that_does_not_exist_says_so(client: FlaskClient, auth: AuthActions) -> None:
    make_user("admin", admin=True)
    auth.login("admin@example.org")
    response = client.post("/admin/jobs/987654/retry", follow_redirects=True)
    assert "There is no job 987654" in response.get_data(as_text=True)
    assert client.post("/admin/jobs/99999999999999999999/retry").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0

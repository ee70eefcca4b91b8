"""Two app instances that share nothing but PostgreSQL, Redis, the object store and the SMTP
server (issue 12's proof): a file uploaded through one downloads through the other, sign-in
limits count across both, two queue workers deliver each e-mail once, and a worker killed in
the middle of a delivery loses no e-mail."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from core.db import db, utcnow
from core.jobs.models import Job, JobState
from submissions.models import Attachment
from tests.attachment_support import entry, url_of
from tests.factories import PASSWORD, make_user
from tests.servers import CSRF_PATTERN, Browser
from tests.two_instances_support import (
    Stack,
    mail_jobs,
    performed_by,
    running_stack,
    wait_until,
)
from tests.upload_support import PDF

REDIS_URL = os.environ.get("TEST_JOBS_REDIS_URL", "redis://127.0.0.1:6379/5")
MAILS = 200


@pytest.fixture(scope="module")
def stack(
    request: pytest.FixtureRequest,
    app: Flask,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): the instances share its database")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (set TEST_JOBS_REDIS_URL or start redis-server)")
    s3_endpoint = request.getfixturevalue("s3_endpoint")  # started only when it will be used
    workdir = tmp_path_factory.mktemp("two_instances")
    with running_stack(workdir, database_url, REDIS_URL, s3_endpoint) as running:
        yield running


@pytest.fixture
def both(stack: Stack) -> Stack:
    stack.revive()
    return stack


def _ask_resets(both: Stack, emails: list[str]) -> None:
    """Ask for a password reset for each address, alternately through A and B (one browser:
    the session cookie and its CSRF token hold on both)."""
    browser = Browser(both.a.base_url)
    token = CSRF_PATTERN.search(browser.get("/password/forgot").text)
    assert token
    for n, email in enumerate(emails):
        server = both.a if n % 2 == 0 else both.b
        response = browser.http.post(
            f"{server.base_url}/password/forgot",
            data={"email": email, "csrf_token": token.group(1)},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text[:500]


def _solvers(count: int) -> list[str]:
    return [make_user(f"solver{n}").email for n in range(count)]


def test_an_attachment_uploaded_through_one_instance_downloads_through_the_other(
    both: Stack,
) -> None:
    submission = entry()
    browser = Browser(both.a.base_url)
    signed_in = browser.submit("/login", {"email": submission.owner.email, "password": PASSWORD})
    assert signed_in.history and signed_in.history[0].status_code == 302
    token = CSRF_PATTERN.search(browser.get(f"/submissions/{submission.id}/edit").text)
    assert token
    uploaded = browser.http.post(
        f"{both.a.base_url}/submissions/{submission.id}/attachments",
        data={"csrf_token": token.group(1)},
        files={"file": ("Design Notes.pdf", PDF, "application/pdf")},
        allow_redirects=False,
        timeout=10,
    )
    assert uploaded.status_code == 302
    attachment = db.session.scalars(sa.select(Attachment)).one()

    download = browser.http.get(both.b.base_url + url_of(attachment), timeout=10)

    assert download.status_code == 200 and download.content == PDF
    # Not on a disk the two happen to share (both run from this checkout): in the bucket.
    assert both.stored_keys() == [attachment.storage_key]


def test_wrong_passwords_are_counted_across_both_instances(both: Stack) -> None:
    make_user("ada")
    browser = Browser(both.a.base_url)
    statuses = [
        browser.submit(
            f"{server.base_url}/login", {"email": "ada@example.org", "password": f"wrong-{n}"}
        ).status_code
        for n, server in enumerate([both.a, both.b] * 3)
    ]
    # Five per account in ten minutes: the sixth, whichever instance gets it, is refused.
    assert statuses == [422] * 5 + [429]


def test_two_workers_deliver_each_email_exactly_once(both: Stack) -> None:
    emails = _solvers(MAILS)
    marks = [len(worker.output()) for worker in both.workers]

    _ask_resets(both, emails)
    wait_until(lambda: mail_jobs(JobState.DONE) == MAILS, 60, f"{MAILS} mail jobs are done")

    received = both.sink.received
    assert len(received) == MAILS
    assert len({mail.message_id for mail in received}) == MAILS
    assert sorted(mail.to for mail in received) == sorted(emails)
    shares = [performed_by(worker, mark) for worker, mark in zip(both.workers, marks, strict=True)]
    assert all(shares) and sum(shares) == MAILS, shares


@pytest.mark.parametrize(
    ("hold", "sent_twice"),
    [
        # Killed before it sent the message: the message leaves once, from the next worker.
        ("hold_before_data", 0),
        # Killed after the server took the message, before its answer: the next worker sends
        # it again, under the same Message-ID, so the receiving side shows it once.
        ("hold_before_reply", 1),
    ],
)
def test_a_worker_killed_mid_delivery_loses_no_email(
    both: Stack, hold: str, sent_twice: int
) -> None:
    emails = _solvers(4)
    setattr(both.sink, hold, 1.5)
    _ask_resets(both, emails)
    # Both workers are inside a delivery (each has one at a time): kill the first.
    assert both.sink.wait_until(lambda sink: sink.holding == 2, timeout=20)
    both.workers[0].kill()

    # The survivor delivers the rest; the killed worker's job stays claimed until its lease
    # runs out, and then the relay (here `flask jobs tick`, in production the scheduler)
    # hands it over again.
    wait_until(lambda: mail_jobs(JobState.DONE) == 3, 30, "the other three mails are sent")
    lost = db.session.scalars(sa.select(Job).where(Job.state == JobState.RUNNING)).one()
    wait_until(lambda: utcnow() > lost.lease_until, 10, "its lease ends")
    assert "relayed: 1" in both.cli("jobs", "tick")
    wait_until(lambda: mail_jobs(JobState.DONE) == 4, 20, "the lost mail is sent")

    lost_id = f"<job-{lost.id}@openprize.local>"
    expected = [f"<job-{job.id}@openprize.local>" for job in _mails()] + [lost_id] * sent_twice
    assert sorted(both.sink.message_ids()) == sorted(expected)
    assert {mail.to for mail in both.sink.received} == set(emails)
    db.session.refresh(lost)
    assert lost.attempts == 2


def _mails() -> list[Job]:
    return list(db.session.scalars(sa.select(Job).where(Job.kind == "mail.send")))

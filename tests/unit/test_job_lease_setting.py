"""JOBS_LEASE_SECONDS: how long a claimed job is held, for every kind, when set."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from core.db import db, utcnow
from core.jobs.models import Job, JobState
from core.jobs.runner import claim


def _pending_mail() -> int:
    # A Core INSERT: an ORM-added job would run at once (the tests' jobs run in-process).
    now = utcnow()
    job_id = db.session.scalar(
        sa.insert(Job)
        .values(
            kind="mail.send",
            payload={"to": "ada@example.org", "subject": "Hi", "body": "Hello."},
            state=JobState.PENDING,
            attempts=0,
            max_attempts=8,
            run_after=now,
            created_at=now,
            progress_note="",
            error="",
        )
        .returning(Job.id)
    )
    db.session.commit()
    return int(job_id)


@pytest.mark.parametrize(("setting", "held"), [(0, 120), (7, 7)])
def test_a_claimed_email_is_held_for_its_kinds_lease_unless_the_setting_says(
    app: Flask, monkeypatch: pytest.MonkeyPatch, setting: int, held: int
) -> None:
    monkeypatch.setitem(app.config, "JOBS_LEASE_SECONDS", setting)
    job_id = _pending_mail()
    now = utcnow()
    job = claim(job_id, now)
    assert job is not None and job.state == JobState.RUNNING
    assert job.lease_until == now + timedelta(seconds=held)

    # Another worker may take it over once the lease has run out, not before.
    assert claim(job.id, now + timedelta(seconds=held - 1)) is None
    assert claim(job.id, now + timedelta(seconds=held + 1)) is not None

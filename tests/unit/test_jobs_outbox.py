"""The job outbox: a job exists only if its change committed, runs once, retries, is relayed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from core.db import db, frozen_time, utcnow
from core.jobs import Job, JobState, enqueue, job_kind
from core.jobs.runner import Outcome, claim, run_job
from core.jobs.worker import relay, slot_key, tick
from core.mail import Mail, send_mail
from tests.factories import make_user

CALLS: list[int] = []
FAILURES = {"left": 0}


@job_kind("test.count", lease_seconds=60)
def _count(job: Job) -> None:
    if FAILURES["left"]:
        FAILURES["left"] -= 1
        raise RuntimeError("the SMTP server said no")
    CALLS.append(job.payload["n"])


@pytest.fixture(autouse=True)
def _reset() -> None:
    CALLS.clear()
    FAILURES["left"] = 0


def _job(job_id: int) -> Job:
    return db.session.get(Job, job_id, populate_existing=True)


def test_a_mail_leaves_only_when_its_change_commits(mails: list[Mail]) -> None:
    user = make_user("ada@example.com")
    send_mail(user.email, "Rolled back", "never sent")
    db.session.rollback()
    assert mails == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0

    send_mail("ada@example.com", "Committed", "sent once")
    assert mails == []  # not before the commit
    db.session.commit()
    assert [m.subject for m in mails] == ["Committed"]
    assert mails[0].message_id.startswith("<job-")
    job = db.session.scalars(sa.select(Job)).one()
    assert (job.kind, job.state, job.attempts) == ("mail.send", JobState.DONE, 1)


def test_a_job_of_a_rolled_back_savepoint_is_skipped_not_run() -> None:
    with db.session.begin_nested():
        enqueue("test.count", {"n": 1})
        db.session.flush()
        db.session.rollback()  # the savepoint only
    db.session.commit()
    assert CALLS == []


def test_two_workers_never_hold_the_same_job(app: Flask) -> None:
    job = enqueue("test.count", {"n": 7}, delay=timedelta(hours=1))  # not run at commit
    db.session.commit()
    later = utcnow() + timedelta(hours=2)
    first = claim(job.id, later)
    assert first is not None and first.state == JobState.RUNNING
    assert claim(job.id, later) is None  # a second worker finds it taken
    # The first worker died: once its lease runs out another worker takes the job.
    assert claim(job.id, later + timedelta(seconds=61)) is not None
    assert _job(job.id).attempts == 2


def test_a_failing_job_is_retried_with_backoff_then_given_up(app: Flask) -> None:
    FAILURES["left"] = 99
    job = enqueue("test.count", {"n": 3})
    db.session.commit()  # attempt 1 runs at once, and fails
    row = _job(job.id)
    assert (row.state, row.attempts) == (JobState.PENDING, 1)
    assert "the SMTP server said no" in row.error
    assert row.run_after > utcnow() + timedelta(seconds=25)  # waits before the next attempt
    assert run_job(job.id) == Outcome.SKIPPED  # not due yet

    at = row.run_after
    for _ in range(2, row.max_attempts + 1):
        with frozen_time(at + timedelta(seconds=1)):
            outcome = run_job(job.id)
        row = _job(job.id)
        at = row.run_after
    assert outcome == Outcome.FAILED
    assert (row.state, row.attempts, CALLS) == (JobState.FAILED, 5, [])


def test_a_job_that_succeeds_on_retry_runs_its_work_once(app: Flask) -> None:
    FAILURES["left"] = 1
    job = enqueue("test.count", {"n": 4})
    db.session.commit()
    assert CALLS == []
    with frozen_time(_job(job.id).run_after + timedelta(minutes=3)):
        assert relay() == [job.id]  # the relay hands it over once its wait is over
    assert CALLS == [4]
    assert _job(job.id).state == JobState.DONE
    with frozen_time(utcnow() + timedelta(hours=1)):
        assert relay() == []  # done jobs are never relayed again
    assert CALLS == [4]


def test_the_relay_takes_over_a_dead_workers_job(app: Flask) -> None:
    job = enqueue("test.count", {"n": 5}, delay=timedelta(seconds=1))
    db.session.commit()
    start = utcnow() + timedelta(seconds=5)
    assert claim(job.id, start) is not None  # a worker took it, then was killed
    db.session.commit()
    with frozen_time(start + timedelta(seconds=30)):
        assert relay() == []  # its lease still runs
    with frozen_time(start + timedelta(seconds=61)):
        assert relay() == [job.id]
    assert CALLS == [5]
    assert _job(job.id).state == JobState.DONE


def test_each_scheduled_slot_is_written_once_whatever_ticks() -> None:
    at = datetime(2026, 12, 4, 9, 0, 30, tzinfo=UTC)
    with frozen_time(at):
        first = tick()
        again = tick()  # a second scheduler, the same minute
    assert "cron:judging.remind:2026-12-04T09:00Z" in first
    assert again == []
    with frozen_time(at + timedelta(minutes=5)):
        assert "cron:judging.assign_due:2026-12-04T09:05Z" in tick()
    keys = db.session.scalars(sa.select(Job.key).where(Job.kind == "judging.remind")).all()
    assert keys == ["cron:judging.remind:2026-12-04T09:00Z"]


def test_slots_follow_the_cron_expression() -> None:
    at = datetime(2026, 12, 4, 14, 59, 59, tzinfo=UTC)
    assert slot_key("x", "*/10 * * * *", at) == "cron:x:2026-12-04T14:50Z"
    assert slot_key("x", "0 9 * * *", at) == "cron:x:2026-12-04T09:00Z"
    assert slot_key("x", "0 9 * * *", at.replace(hour=8)) == "cron:x:2026-12-03T09:00Z"


def test_a_request_that_enqueues_without_committing_is_caught(
    make_app: Callable[..., Flask],
) -> None:
    fresh = make_app()

    @fresh.get("/_test/forgets-to-commit")
    def forgets() -> str:
        send_mail("ada@example.com", "Lost", "never committed")
        return "ok"

    with pytest.raises(AssertionError, match="not committed"):
        fresh.test_client().get("/_test/forgets-to-commit")


def test_operators_see_and_retry_failed_jobs(app: Flask) -> None:
    FAILURES["left"] = 99
    job = enqueue("test.count", {"n": 9})
    db.session.commit()
    db.session.execute(sa.update(Job).values(state=JobState.FAILED, attempts=5))
    db.session.commit()
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["jobs", "list", "--state", "failed"])
    assert "failed: 1" in listing.output
    assert "test.count" in listing.output and "the SMTP server said no" in listing.output

    FAILURES["left"] = 0
    result = runner.invoke(args=["jobs", "retry", str(job.id)])
    assert result.exit_code == 0, result.output
    assert CALLS == [9]  # inline: the retried job ran at once
    assert _job(job.id).state == JobState.DONE
    again = runner.invoke(args=["jobs", "retry", str(job.id)])
    assert again.exit_code != 0 and "not failed" in again.output
    missing = runner.invoke(args=["jobs", "retry", "999999"])
    assert "There is no job 999999" in missing.output


def test_tick_command_writes_the_due_slots_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    with frozen_time(datetime(2026, 12, 4, 9, 0, 5, tzinfo=UTC)):
        first = runner.invoke(args=["jobs", "tick"])
        second = runner.invoke(args=["jobs", "tick"])
    assert first.exit_code == 0, first.output
    assert "Scheduled: 0;" not in first.output
    assert "Scheduled: 0;" in second.output
    remind = db.session.scalars(sa.select(Job).where(Job.kind == "judging.remind")).one()
    assert remind.state == JobState.DONE  # inline: ran in the command


def test_worker_and_scheduler_commands_explain_they_need_redis(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0
    assert "set REDIS_URL" in result.output

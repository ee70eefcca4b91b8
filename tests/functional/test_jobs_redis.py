"""Jobs through a real Redis queue (RQ): handed over after the commit, run once by a worker,
and kept safe in the outbox while Redis is down."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from rq import Queue, SimpleWorker

from core.db import db, frozen_time, utcnow
from core.jobs import Job, JobState
from core.jobs.worker import RELAY_AFTER, relay
from core.mail import Mail, send_mail

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


@pytest.fixture
def queue_name() -> Iterator[str]:
    """A queue of this test's own in a live Redis (skips when no Redis answers)."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL} (set TEST_REDIS_URL or start redis-server)")
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    Queue(name, connection=client).delete(delete_jobs=True)


@pytest.fixture
def rq_app(make_app: Callable[..., Flask], queue_name: str) -> Iterator[Flask]:
    app = make_app(JOBS_BACKEND="rq", REDIS_URL=REDIS_URL, JOBS_QUEUE=queue_name)
    with app.app_context():
        yield app


def _work(app: Flask) -> None:
    """What `flask jobs worker --burst` does: run the queue dry, in this process."""
    from core.jobs.backends import rq_queue

    queue = rq_queue(app)
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_a_committed_mail_waits_in_redis_until_a_worker_sends_it(
    rq_app: Flask, mails: list[Mail]
) -> None:
    from core.jobs.backends import rq_queue

    send_mail("ada@example.com", "Hello", "from the queue")
    db.session.commit()
    assert mails == []  # the request did not send it
    assert rq_queue(rq_app).count == 1
    job = db.session.scalars(sa.select(Job)).one()
    assert job.state == JobState.PENDING

    _work(rq_app)
    assert [m.subject for m in mails] == ["Hello"]
    assert db.session.get(Job, job.id, populate_existing=True).state == JobState.DONE
    _work(rq_app)  # nothing left, nothing sent twice
    assert len(mails) == 1


def test_the_same_job_queued_twice_runs_once(rq_app: Flask, mails: list[Mail]) -> None:
    from core.jobs.backends import push

    send_mail("ada@example.com", "Once", "only")
    db.session.commit()
    job_id = db.session.scalars(sa.select(Job.id)).one()
    push(rq_app, [job_id])  # the relay, or a second scheduler, handed it over again
    _work(rq_app)
    assert [m.subject for m in mails] == ["Once"]


def test_with_redis_down_the_change_commits_and_the_relay_sends_later(
    make_app: Callable[..., Flask], rq_app: Flask, mails: list[Mail]
) -> None:
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"
    down = make_app(JOBS_BACKEND="rq", REDIS_URL=dead)
    with down.app_context():
        send_mail("ada@example.com", "Delayed", "Redis was down")
        db.session.commit()  # no error for the user: the job is in the outbox
        db.session.remove()
    job = db.session.scalars(sa.select(Job)).one()
    assert job.state == JobState.PENDING and mails == []

    with frozen_time(utcnow() + RELAY_AFTER + RELAY_AFTER):
        assert relay() == [job.id]  # Redis is back (rq_app's): handed over again
    _work(rq_app)
    assert [m.subject for m in mails] == ["Delayed"]

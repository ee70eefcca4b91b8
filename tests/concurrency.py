"""Racing requests on one challenge: threads that start together and queue on its row lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask

from core.db import db


def race_on_challenge(
    database_url: str, challenge_id: int, calls: list[Callable[[], int]]
) -> list[int]:
    """Run ``calls`` (each returns a status) in threads released together, and return their
    statuses in finishing order. On PostgreSQL the challenge row is held until every call waits
    on it, so they all queue on the lock the service takes; SQLite serialises writers itself."""
    holder = None
    if database_url.startswith("postgresql"):
        holder = db.engine.connect()
        holder.execute(
            sa.text("SELECT id FROM challenges WHERE id = :id FOR UPDATE"), {"id": challenge_id}
        )
    statuses: list[int] = []
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], int]) -> None:
        start.wait()
        statuses.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    try:
        if holder is not None:
            wait_for_lock_waiters(len(calls))
    finally:
        if holder is not None:
            holder.rollback()
            holder.close()
        for thread in threads:
            thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    return statuses


def wait_for_lock_waiters(count: int) -> None:
    """Until ``count`` sessions of this database wait on a lock (best effort: 30 s at most).

    Each poll opens its own transaction: within one, pg_stat_activity is a frozen snapshot."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(600):
        with db.engine.connect() as probe:
            if probe.execute(query).scalar() >= count:
                return
        time.sleep(0.05)


THREADS = 4


def race_threads(app: Flask, job: Callable[[], object]) -> list[BaseException]:
    """Run ``job`` in THREADS threads released together, each with its own app context and
    database session; returns what they raised."""
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work() -> None:
        with app.app_context():
            try:
                start.wait()
                job()
            except BaseException as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return errors

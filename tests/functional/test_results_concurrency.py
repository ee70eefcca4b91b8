"""Approving twice, in two requests or at the same moment: one set of awards, the rest 409."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db
from judging.result_models import Award
from judging.results import compute_results
from tests.conftest import AuthActions
from tests.factories import PASSWORD
from tests.functional.test_results_decision import URL, all_awards, computed, picks_for, tiers_of
from tests.unit.test_results_compute import example_world


def test_approving_twice_is_a_conflict_and_leaves_one_set_of_awards(
    client: FlaskClient, auth: AuthActions
) -> None:
    example = example_world()
    snapshot = computed(example, client, auth)
    assert (
        client.post(f"{URL}/{snapshot.id}/approve", data=picks_for(example, 3, 1)).status_code
        == 302
    )
    again = client.post(f"{URL}/{snapshot.id}/approve", data=picks_for(example, 3, 1))
    assert again.status_code == 409 and "already approved" in again.text
    assert len(all_awards()) == 2


def test_one_award_per_tier_is_a_database_constraint() -> None:
    example = example_world()
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    tier = tiers_of(example)[0]
    row = dict(
        challenge_id=example.challenge.id,
        snapshot_id=snapshot.id,
        prize_tier_id=tier.id,
        amount=tier.amount,
        currency="USD",
    )
    db.session.add(Award(**row, submission_id=example.sid(3)))
    db.session.commit()
    db.session.add(Award(**row, submission_id=example.sid(1)))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_concurrent_approvals_make_exactly_one_set_of_awards(
    web_app: Flask, database_url: str
) -> None:
    example = example_world()
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    data = picks_for(example, 3, 1)
    manager = db.session.scalar(sa.select(User).where(User.handle == "manager"))
    clients = [web_app.test_client(), web_app.test_client()]
    for client, email in zip(clients, (example.world.owner.email, manager.email), strict=True):
        assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302
    url = f"{URL}/{snapshot.id}/approve"
    holder = None
    if database_url.startswith("postgresql"):  # hold the challenge row so both requests queue on it
        holder = db.engine.connect()
        holder.execute(
            sa.text("SELECT id FROM challenges WHERE id = :id FOR UPDATE"),
            {"id": example.challenge.id},
        )
    statuses: list[int] = []
    start = threading.Barrier(2)

    def approve(client: FlaskClient) -> None:
        start.wait()
        statuses.append(client.post(url, data=data).status_code)

    threads = [threading.Thread(target=approve, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    try:
        if holder is not None:
            _wait_for_lock_waiters(2)
    finally:
        if holder is not None:
            holder.rollback()
            holder.close()
        for thread in threads:
            thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(statuses) == [302, 409]
    db.session.expire_all()
    assert len(all_awards()) == 2


def _wait_for_lock_waiters(count: int) -> None:
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

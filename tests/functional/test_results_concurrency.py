"""Approving twice, in two requests or at the same moment: one set of awards, the rest 409."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db
from judging.results.compute import compute_results
from judging.results.models import Award
from tests.concurrency import race_on_challenge
from tests.conftest import AuthActions
from tests.example_support import example_world
from tests.factories import PASSWORD
from tests.functional.results_helpers import URL, all_awards, computed, picks_for, tiers_of


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
    calls = [lambda c=c: c.post(url, data=data).status_code for c in clients]
    statuses = race_on_challenge(database_url, example.challenge.id, calls)
    assert sorted(statuses) == [302, 409]
    db.session.expire_all()
    assert len(all_awards()) == 2

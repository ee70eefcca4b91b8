"""At the same moment: approvals and workers racing each other still pay once (real parallel
connections on PostgreSQL; SQLite serialises writers, so there it checks the same outcome)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from accounts.models import User
from core.db import db
from core.errors import Conflict
from judging.results.awards import approve_winners, default_picks
from judging.results.compute import compute_results
from judging.results.models import Award, ResultSnapshot
from payments.payouts.models import Payout
from payments.payouts.worker import run_payouts
from tests.concurrency import THREADS, race_threads
from tests.functional.payouts_helpers import (
    approve,
    assert_paid_once,
    judged_and_funded,
    onboard,
    payouts,
    three_person_team,
)


def test_workers_running_at_once_make_one_transfer_per_payout(app: Flask) -> None:
    example, _ = judged_and_funded()
    three_person_team(example, 3)
    approve(example)
    for payout in payouts():
        onboard(payout.user_id)
    assert race_threads(app, run_payouts) == []
    assert len(payouts()) == 4
    assert_paid_once(example.challenge.id)


def test_concurrent_approvals_make_one_set_of_payouts(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PAYOUTS_INLINE", False)
    example, _ = judged_and_funded()
    three_person_team(example, 3)
    snapshot_id = compute_results(actor=example.world.owner, challenge=example.challenge).id
    owner_id = example.world.owner.id

    def approve_in_thread() -> None:
        snapshot = db.session.get(ResultSnapshot, snapshot_id)
        approve_winners(
            actor=db.session.get(User, owner_id),
            snapshot=snapshot,
            picks=default_picks(snapshot),
            reason="",
        )

    errors = race_threads(app, approve_in_thread)
    assert len(errors) == THREADS - 1 and all(isinstance(e, Conflict) for e in errors)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Award)) == 2
    rows = payouts()
    assert len(rows) == 4 == len({(p.award_id, p.user_id) for p in rows})
    assert sum(p.amount for p in rows) == sum(db.session.scalars(sa.select(Award.amount)).all())
    assert {p.idempotency_key for p in rows} == {f"payout:{p.id}" for p in rows}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Payout)) == 4

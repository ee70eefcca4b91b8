"""Disputes of the sponsor's charge hold the prize money: ``charge.dispute.created`` freezes
the challenge's unpaid payouts and alerts the platform admins; ``closed`` releases them when
won and keeps them frozen when lost; replays and late events change nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from accounts.models import User
from core.db import db
from payments.models import DisputeStatus, Funding
from payments.payouts.models import PayoutStatus, SettlementStatus
from payments.payouts.settlement import settle_all
from payments.payouts.status import my_payouts
from payments.payouts.worker import run_payouts
from payments.webhooks import apply_event
from tests.factories import make_user
from tests.functional.payments_helpers import MakeApp
from tests.functional.payouts_helpers import (
    HeldDeliveries,
    approve,
    onboard,
    payouts,
    simulator,
    stripe_app,
    transfers,
)
from tests.functional.settlement_helpers import (
    funded_world,
    settlement_of,
    sim_refunds,
    subjects,
)


@pytest.fixture(params=["in_process", "loopback"])
def site(request: pytest.FixtureRequest, app: Flask, make_app: MakeApp) -> Iterator[Flask]:
    with stripe_app(request.param, app, make_app) as built:
        yield built


def _approved_with_admin() -> tuple[int, Funding, str]:
    """A funded challenge whose winners are approved (nobody onboarded yet), and an admin."""
    admin = make_user("platformadmin", admin=True)
    example = funded_world()
    approve(example)
    funding = db.session.scalars(
        sa.select(Funding).where(Funding.challenge_id == example.challenge.id)
    ).one()
    return example.challenge.id, funding, admin.email


def _funding(funding_id: int) -> Funding:
    db.session.rollback()
    return db.session.get(Funding, funding_id)


def _onboard_all(challenge_id: int) -> None:
    for user_id in sorted({p.user_id for p in payouts(challenge_id)}):
        onboard(user_id)


def test_a_dispute_freezes_unpaid_payouts_and_winning_it_pays_them(site: Flask, mails) -> None:
    challenge_id, funding, admin = _approved_with_admin()
    dispute = simulator().create_dispute(funding.charge_id)
    assert all(p.frozen and p.status == PayoutStatus.PENDING for p in payouts(challenge_id))
    assert _funding(funding.id).dispute_status == DisputeStatus.OPEN
    (alert,) = subjects(mails, "Dispute opened")
    assert alert.to == admin and funding.charge_id in alert.body and "2 unpaid" in alert.body
    _onboard_all(challenge_id)
    run = run_payouts()  # the worker skips frozen rows
    assert (run.paid, run.waiting) == (0, 0) and transfers() == []
    payee = payouts(challenge_id)[0].user_id
    assert [row["status"] for row in my_payouts(db.session.get(User, payee))] == ["on hold"]
    assert settle_all().waiting == 1 and sim_refunds() == []
    simulator().close_dispute(dispute, "won")  # released and, inline, paid and settled
    assert _funding(funding.id).dispute_status == DisputeStatus.WON
    rows = payouts(challenge_id)
    assert all(p.status == PayoutStatus.PAID and not p.frozen for p in rows)
    assert len(transfers()) == 2
    assert settlement_of(challenge_id).status == SettlementStatus.SETTLED
    assert len(sim_refunds()) == 1
    assert subjects(mails, "Dispute lost") == []


def test_a_lost_dispute_keeps_the_payouts_frozen_for_an_admin(site: Flask, mails) -> None:
    challenge_id, funding, admin = _approved_with_admin()
    dispute = simulator().create_dispute(funding.charge_id)
    _onboard_all(challenge_id)
    simulator().close_dispute(dispute, "lost")
    assert _funding(funding.id).dispute_status == DisputeStatus.LOST
    rows = payouts(challenge_id)
    assert all(p.frozen and p.needs_attention and "lost" in p.last_error for p in rows)
    assert run_payouts().paid == 0 and transfers() == []
    assert settle_all().waiting == 1
    assert settlement_of(challenge_id) is None and sim_refunds() == []
    assert [m.to for m in subjects(mails, "Dispute lost")] == [admin]
    assert len(subjects(mails, "Dispute opened")) == 1


def test_a_paid_payout_stays_paid_and_only_unpaid_ones_freeze(app: Flask) -> None:
    challenge_id, funding, _ = _approved_with_admin()
    first, second = payouts(challenge_id)
    onboard(first.user_id)
    assert run_payouts().paid == 1
    simulator().create_dispute(funding.charge_id)
    first, second = payouts(challenge_id)
    assert (first.status, first.frozen) == (PayoutStatus.PAID, False)
    assert (second.status, second.frozen) == (PayoutStatus.PENDING, True)


def test_a_replayed_dispute_event_alerts_once(app: Flask, mails) -> None:
    challenge_id, funding, _ = _approved_with_admin()
    simulator().create_dispute(funding.charge_id)
    (created,) = [e for e in simulator().events() if e["type"] == "charge.dispute.created"]
    simulator().redeliver(created["id"])
    assert apply_event(created) == "duplicate"
    assert len(subjects(mails, "Dispute opened")) == 1
    assert all(p.frozen for p in payouts(challenge_id))
    assert simulator().delivery_failures() == []


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_a_created_event_arriving_after_closed_changes_nothing(
    app: Flask, mails, outcome: str
) -> None:
    challenge_id, funding, _ = _approved_with_admin()
    held = HeldDeliveries()
    dispute = simulator().create_dispute(funding.charge_id)
    simulator().close_dispute(dispute, outcome)
    held.held.reverse()  # closed first, then the late created
    held.release()
    assert _funding(funding.id).dispute_status == outcome
    assert all(p.frozen == (outcome == "lost") for p in payouts(challenge_id))
    assert subjects(mails, "Dispute opened") == []
    assert len(subjects(mails, "Dispute lost")) == (outcome == "lost")


def test_a_dispute_on_a_charge_that_funds_nothing_is_ignored(app: Flask) -> None:
    challenge_id, _, _ = _approved_with_admin()
    event = {
        "id": "evt_unknown_dispute",
        "type": "charge.dispute.created",
        "data": {"object": {"id": "du_x", "charge": "ch_elsewhere", "status": "needs_response"}},
    }
    assert apply_event(event) == "ignored: unknown charge"
    assert not any(p.frozen for p in payouts(challenge_id))

"""Payouts are paid exactly once: approval creates them, the worker and the webhooks settle
them through the official SDK and the Stripe simulator (in-process and over a loopback port),
whatever crashes, replays, timeouts or orders of events happen in between."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from core.db import db
from core.errors import Conflict
from judging.results.awards import award_status
from judging.results.models import Award
from payments.payouts import worker
from payments.payouts.models import PayoutStatus
from payments.payouts.worker import run_payouts
from tests.functional.payments_helpers import MakeApp
from tests.functional.payouts_helpers import (
    FIRST,
    SECOND,
    HeldDeliveries,
    approve,
    assert_paid_once,
    fresh,
    judged_and_funded,
    ledger_totals,
    onboard,
    payouts,
    simulator,
    stripe_app,
    three_person_team,
    transfers,
)


@pytest.fixture(params=["in_process", "loopback"])
def site(request: pytest.FixtureRequest, app: Flask, make_app: MakeApp) -> Iterator[Flask]:
    with stripe_app(request.param, app, make_app) as built:
        yield built


def _everyone_onboarded(example) -> None:
    for user_id in sorted(set(p.user_id for p in payouts(example.challenge.id))):
        onboard(user_id)


def _crash_after_stripe(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(payout_id: int, transfer: object) -> str:
        raise RuntimeError("worker killed between Stripe's answer and the commit")

    monkeypatch.setattr(worker, "record_transfer", crash)


def test_approval_creates_one_payout_per_recipient_with_the_remainder_to_the_team_owner(
    site: Flask,
) -> None:
    example, _ = judged_and_funded()
    team = three_person_team(example, 3)  # S3 wins First prize
    awards = approve(example)
    rows = payouts(example.challenge.id)
    first = next(a for a in awards if a.amount == FIRST)
    second = next(a for a in awards if a.amount == SECOND)
    split = {p.user_id: p.amount for p in rows if p.award_id == first.id}
    assert split == {team[0]: 333_401, team[1]: 333_300, team[2]: 333_300}
    assert [(p.user_id, p.amount) for p in rows if p.award_id == second.id] == [
        (example.entries[1].owner_id, SECOND)
    ]
    assert all(p.idempotency_key == f"payout:{p.id}" for p in rows)
    assert all(p.status == PayoutStatus.PENDING for p in rows)  # nobody has onboarded yet
    assert transfers() == []
    assert award_status(first) == "waiting for onboarding"


def test_awards_above_the_funded_purse_are_refused_and_nothing_is_written(site: Flask) -> None:
    example, _ = judged_and_funded(purse=FIRST)  # the sponsor paid less than both prizes
    example.challenge.funded_amount = FIRST + SECOND  # judging's own check would pass
    db.session.commit()
    with pytest.raises(Conflict, match=r"only .* was funded"):
        approve(example)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Award)) == 0
    assert payouts() == []
    assert db.session.get(type(example.challenge), example.challenge.id).awarded_at is None


def test_approving_twice_leaves_one_set_of_payouts(site: Flask) -> None:
    example, _ = judged_and_funded()
    approve(example)
    before = [(p.award_id, p.user_id, p.amount) for p in payouts()]
    with pytest.raises(Conflict):
        approve(example)
    assert [(p.award_id, p.user_id, p.amount) for p in payouts()] == before


def test_onboarded_winners_are_paid_once_by_the_worker_and_the_ledger_adds_up(site: Flask) -> None:
    example, funding = judged_and_funded()
    three_person_team(example, 3)
    approve(example)
    _everyone_onboarded(example)
    summary = run_payouts()
    assert summary.paid == 4
    assert_paid_once(example.challenge.id)
    assert {t["source_transaction"] for t in transfers()} == {funding.charge_id}
    assert {t["transfer_group"] for t in transfers()} == {f"challenge_{example.challenge.id}"}
    assert run_payouts().paid == 0  # nothing left to pay
    assert len(transfers()) == 4


def test_a_winner_without_an_account_waits_then_is_paid_after_onboarding(site: Flask) -> None:
    example, _ = judged_and_funded()
    awards = approve(example)
    (first,) = [a for a in awards if a.amount == FIRST]
    (payout,) = [p for p in payouts() if p.award_id == first.id]
    account = onboard(payout.user_id, complete=False)
    summary = run_payouts()
    assert (summary.waiting, summary.paid) == (2, 0)
    assert award_status(first) == "waiting for onboarding"
    simulator().complete_onboarding(account)  # account.updated: ready, paid at once
    db.session.rollback()
    assert award_status(first) == "paid"
    assert run_payouts().paid == 0
    assert [t["destination"] for t in transfers()] == [account]


@pytest.mark.parametrize("order", ["worker_first", "webhook_first"])
def test_a_crash_after_the_stripe_call_ends_with_exactly_one_transfer(
    site: Flask, order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    example, _ = judged_and_funded()
    approve(example)
    _everyone_onboarded(example)
    held = HeldDeliveries()
    with monkeypatch.context() as patch:
        _crash_after_stripe(patch)
        with pytest.raises(RuntimeError, match="worker killed"):
            run_payouts()
    (crashed,) = [p for p in payouts() if p.status == PayoutStatus.PROCESSING]
    assert len(transfers()) == 1
    if order == "worker_first":
        assert run_payouts().paid == 2  # the crashed one again (same key), then the other
        held.release()
    else:
        held.release()  # transfer.created repairs the crashed row
        db.session.rollback()
        assert fresh(crashed.id).status == PayoutStatus.PAID
        assert run_payouts().paid == 1
    assert_paid_once(example.challenge.id)


@pytest.mark.parametrize("fault", [500, 429, 0])
def test_stripe_failing_five_times_then_answering_makes_one_transfer(
    site: Flask, fault: int
) -> None:
    example, _ = judged_and_funded()
    awards = approve(example)
    (first,) = [a for a in awards if a.amount == FIRST]
    (payout,) = [p for p in payouts() if p.award_id == first.id]
    onboard(payout.user_id)
    tries = 1 + int(site.config["STRIPE_MAX_NETWORK_RETRIES"])  # the SDK's own retries
    # Stripe makes the transfer on the first call, but every answer for five runs is lost
    # and its webhook is late: only the worker's retries (same key) can settle the payout.
    held = HeldDeliveries()
    simulator().fail_next(
        "POST", "/v1/transfers", status=fault, count=5 * tries, after_processing=True
    )
    runs = [run_payouts() for _ in range(5)]
    assert [(run.unknown, run.paid) for run in runs] == [(1, 0)] * 5
    assert award_status(first) == "processing"
    while runs[-1].unknown and len(runs) < 40:  # a 429 is not retried by the SDK itself
        runs.append(run_payouts())
    assert runs[-1].paid == 1
    assert len(transfers()) == 1
    db.session.rollback()
    row = fresh(payout.id)
    assert (row.status, row.attempts) == (PayoutStatus.PAID, len(runs))
    held.release()  # the late transfer.created changes nothing
    assert [t["id"] for t in transfers()] == [row.stripe_transfer_id]
    assert_paid_once(example.challenge.id, everyone=False)


def test_a_definite_refusal_fails_the_payout_with_stripes_reason(site: Flask) -> None:
    example, _ = judged_and_funded()
    approve(example)
    _everyone_onboarded(example)
    simulator().fail_next("POST", "/v1/transfers", status=400, count=1)
    summary = run_payouts()
    assert (summary.failed, summary.paid) == (1, 1)
    (failed,) = [p for p in payouts() if p.status == PayoutStatus.FAILED]
    assert "Simulated failure" in failed.failure_reason
    assert run_payouts().paid == 0  # a failed payout is not retried; an admin re-issues it
    assert len(transfers()) == 1
    assert ledger_totals(example.challenge.id)["paid_out"] == sum(
        p.amount for p in payouts() if p.status == PayoutStatus.PAID
    )

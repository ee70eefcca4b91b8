"""Transfer webhooks and ``flask payouts reconcile``: replays, out-of-order and early events,
forged amounts, reversals and crashed workers all end in the same state, paid once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from core.db import db
from judging.results.awards import award_status
from payments.models import LedgerEntry
from payments.payouts import worker
from payments.payouts.models import PayoutStatus
from payments.payouts.worker import run_payouts
from tests.functional.payments_helpers import MakeApp, event_about, post_event
from tests.functional.payouts_helpers import (
    FIRST,
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
    transfers,
)


@pytest.fixture(params=["in_process", "loopback"])
def site(request: pytest.FixtureRequest, app: Flask, make_app: MakeApp) -> Iterator[Flask]:
    with stripe_app(request.param, app, make_app) as built:
        yield built


def _winners_onboarded_then_approved() -> int:
    """Both winners (S3's and S1's owners) onboard first, so approval pays them inline."""
    example, _ = judged_and_funded()
    for entry in (3, 1):
        onboard(example.entries[entry].owner_id)
    approve(example)
    return example.challenge.id


def _crashed_with_events_held(monkeypatch: pytest.MonkeyPatch) -> tuple[int, HeldDeliveries]:
    example, _ = judged_and_funded()
    approve(example)
    for payout in payouts():
        onboard(payout.user_id)
    held = HeldDeliveries()

    def crash(payout_id: int, transfer: object) -> str:
        raise RuntimeError("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(worker, "record_transfer", crash)
        with pytest.raises(RuntimeError):
            run_payouts()
    return example.challenge.id, held


def _events(kind: str) -> list[dict]:
    return [event for event in simulator().events() if event["type"] == kind]


def _state(challenge_id: int) -> list[tuple]:
    db.session.rollback()
    entries = db.session.execute(
        sa.select(LedgerEntry.kind, LedgerEntry.amount, LedgerEntry.reference)
        .where(LedgerEntry.challenge_id == challenge_id)
        .order_by(LedgerEntry.kind, LedgerEntry.reference)
    ).all()
    rows = [(p.status, p.stripe_transfer_id, p.needs_attention) for p in payouts(challenge_id)]
    return [*rows, *entries]


def test_approval_pays_onboarded_winners_inline_and_the_page_says_paid(app: Flask, client) -> None:
    challenge_id = _winners_onboarded_then_approved()
    assert_paid_once(challenge_id)
    # transfer.created arrived before Stripe's answer (in-process delivery): one entry each
    assert [event["type"] for event in _events("transfer.created")] == ["transfer.created"] * 2
    page = client.get("/challenges/grid/results")
    assert page.status_code == 200
    assert ">paid<" in page.text and "payout pending" not in page.text


def test_replayed_transfer_events_change_nothing(site: Flask) -> None:
    challenge_id = _winners_onboarded_then_approved()
    before = _state(challenge_id)
    for event in _events("transfer.created"):
        simulator().redeliver(event["id"])  # the same event id again: deduplicated
        replay = {**event_about("transfer.created", event["data"]["object"])}  # new id
        response = post_event(site.test_client(), replay, str(site.config["STRIPE_WEBHOOK_SECRET"]))
        assert response.status_code == 200
    assert _state(challenge_id) == before
    assert_paid_once(challenge_id)


def test_a_reversal_keeps_the_payout_paid_records_it_and_asks_for_attention(site: Flask) -> None:
    challenge_id = _winners_onboarded_then_approved()
    paid = next(p for p in payouts(challenge_id) if p.amount == FIRST)
    simulator().reverse_transfer(paid.stripe_transfer_id)
    (reversed_event,) = _events("transfer.reversed")
    simulator().redeliver(reversed_event["id"])
    row = fresh(paid.id)
    assert (row.status, row.needs_attention) == (PayoutStatus.PAID, True)
    assert ledger_totals(challenge_id)["payout_reversed"] == FIRST
    assert len(transfers()) == 2


def test_events_out_of_order_end_in_the_same_state_as_in_order(
    site: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge_id, held = _crashed_with_events_held(monkeypatch)
    (crashed,) = [p for p in payouts() if p.status == PayoutStatus.PROCESSING]
    (transfer,) = transfers()
    simulator().reverse_transfer(transfer["id"])
    held.held.reverse()  # transfer.reversed reaches the app before transfer.created
    held.release()
    row = fresh(crashed.id)
    assert (row.status, row.stripe_transfer_id, row.needs_attention) == (
        PayoutStatus.PAID,
        transfer["id"],
        True,
    )
    totals = ledger_totals(challenge_id)
    assert totals["paid_out"] == totals["payout_reversed"] == crashed.amount
    assert run_payouts().paid == 1  # the other payout; the crashed one is settled
    assert len(transfers()) == 2


def test_a_transfer_event_with_another_amount_is_not_recorded_as_paid(
    site: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge_id, _ = _crashed_with_events_held(monkeypatch)
    (crashed,) = [p for p in payouts() if p.status == PayoutStatus.PROCESSING]
    (real,) = transfers()
    forged = event_about("transfer.created", {**real, "amount": real["amount"] + 100})
    response = post_event(site.test_client(), forged, str(site.config["STRIPE_WEBHOOK_SECRET"]))
    assert response.status_code == 200
    row = fresh(crashed.id)
    assert (row.status, row.needs_attention) == (PayoutStatus.PROCESSING, True)
    assert "Amount mismatch" in row.last_error
    assert "paid_out" not in ledger_totals(challenge_id)
    assert run_payouts().paid == 2  # the worker's retry gets Stripe's real answer
    assert_paid_once(challenge_id)


def test_reconcile_finds_the_transfer_of_a_crashed_worker(
    site: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge_id, held = _crashed_with_events_held(monkeypatch)
    held.held.clear()  # the webhook is lost for good
    result = site.test_cli_runner().invoke(args=["payouts", "reconcile", "--older-than", "0"])
    assert result.exit_code == 0 and "paid 1" in result.output
    assert len(transfers()) == 1
    result = site.test_cli_runner().invoke(args=["payouts", "run"])
    assert "paid 1" in result.output
    assert_paid_once(challenge_id)


def test_reconcile_creates_the_transfer_stripe_never_received(site: Flask) -> None:
    example, _ = judged_and_funded()
    approve(example)
    for payout in payouts():
        onboard(payout.user_id)
    tries = 1 + int(site.config["STRIPE_MAX_NETWORK_RETRIES"])
    simulator().fail_next("POST", "/v1/transfers", status=0, count=2 * tries)
    summary = run_payouts()
    assert (summary.unknown, transfers()) == (2, [])
    first = next(p for p in payouts() if p.amount == FIRST)
    assert award_status(first.award) == "processing"
    assert worker.reconcile_payouts().paid == 0  # not older than the default window yet
    assert worker.reconcile_payouts(older_than=timedelta(0)).paid == 2
    assert_paid_once(example.challenge.id)


def test_without_inline_payouts_approval_leaves_them_to_the_payouts_run_command(
    site: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(site.config, "PAYOUTS_INLINE", False)
    challenge_id = _winners_onboarded_then_approved()
    assert {p.status for p in payouts()} == {PayoutStatus.PENDING} and transfers() == []
    result = site.test_cli_runner().invoke(args=["payouts", "run", "--challenge", "999"])
    assert "paid 0" in result.output and transfers() == []
    result = site.test_cli_runner().invoke(args=["payouts", "run"])
    assert result.exit_code == 0 and "paid 2" in result.output
    assert_paid_once(challenge_id)


def _keys_of_transfers() -> dict[str, str]:
    """payout id → the idempotency key of the request that created its transfer."""
    return {
        event["data"]["object"]["metadata"]["payout_id"]: event["request"]["idempotency_key"]
        for event in _events("transfer.created")
    }


def test_a_payout_whose_key_got_a_5xx_moves_to_a_new_key_once_stripe_has_no_transfer(
    site: Flask,
) -> None:
    example, _ = judged_and_funded()
    approve(example)
    for payout in payouts():
        onboard(payout.user_id)
    simulator().fail_next("POST", "/v1/transfers", status=500)  # saved for the key, as Stripe does
    assert (run_payouts().unknown, len(transfers())) == (1, 1)
    (stuck,) = [p for p in payouts() if p.status == PayoutStatus.PROCESSING]
    assert run_payouts().unknown == 1  # no fault left: Stripe replays the 500 for the key
    assert fresh(stuck.id).status == PayoutStatus.PROCESSING

    summary = worker.reconcile_payouts(older_than=timedelta(0))

    assert summary.paid == 1
    row = fresh(stuck.id)
    assert (row.status, row.key_attempt, row.idempotency_key) == (
        PayoutStatus.PAID,
        2,
        f"payout:{stuck.id}:a2",
    )
    assert _keys_of_transfers()[str(stuck.id)].endswith(f"payout:{stuck.id}:a2")
    assert_paid_once(example.challenge.id)
    assert worker.reconcile_payouts(older_than=timedelta(0)).paid == 0


def test_reconcile_keeps_the_key_while_stripe_holds_the_transfer(site: Flask) -> None:
    example, _ = judged_and_funded()
    approve(example)
    onboard(payouts()[0].user_id)  # one winner, so one transfer call
    tries = 1 + int(site.config["STRIPE_MAX_NETWORK_RETRIES"])
    held = HeldDeliveries()  # Stripe made the transfer but its answers and webhook are lost
    simulator().fail_next("POST", "/v1/transfers", status=500, count=tries, after_processing=True)
    assert run_payouts().unknown == 1
    held.held.clear()
    (stuck,) = [p for p in payouts() if p.status == PayoutStatus.PROCESSING]

    assert worker.reconcile_payouts(older_than=timedelta(0)).paid == 1

    row = fresh(stuck.id)
    assert (row.status, row.key_attempt, row.idempotency_key) == (
        PayoutStatus.PAID,
        1,
        f"payout:{stuck.id}",
    )
    assert_paid_once(example.challenge.id, everyone=False)

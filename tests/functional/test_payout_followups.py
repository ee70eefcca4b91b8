"""What follows a payout, and who does it: ``payouts run`` pays, ``payouts settle`` settles,
whatever PAYOUTS_INLINE says; the web app pays and settles at once when it is on; a webhook
only records what Stripe did (no Stripe call inside it); and a request whose key is still
running at Stripe (409 ``idempotency_key_in_use``) is an unknown outcome, retried later."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from core.db import db
from payments.models import RefundStatus
from payments.payouts import worker
from payments.payouts.models import PayoutStatus, SettlementStatus
from payments.payouts.settlement import settle_challenge
from payments.payouts.worker import run_payouts
from payments.refunds import retry_pending_refunds
from tests.functional.payments_helpers import MakeApp
from tests.functional.payouts_helpers import (
    HeldDeliveries,
    approve,
    fresh,
    onboard,
    payouts,
    simulator,
    stripe_app,
    transfers,
)
from tests.functional.settlement_helpers import (
    EXTRA,
    funded_world,
    refund_rows,
    settlement_of,
    sim_refunds,
)


@pytest.fixture(params=["in_process", "loopback"])
def site(request: pytest.FixtureRequest, app: Flask, make_app: MakeApp) -> Iterator[Flask]:
    with stripe_app(request.param, app, make_app) as built:
        yield built


def _approved_then_onboarded() -> int:
    """Both winners set up payouts after approval; nobody has been paid yet."""
    example = funded_world()
    approve(example)
    for user_id in sorted({p.user_id for p in payouts(example.challenge.id)}):
        onboard(user_id)
    assert {p.status for p in payouts()} == {PayoutStatus.PENDING}
    return example.challenge.id


@pytest.mark.parametrize("inline", [True, False], ids=["inline", "cron_only"])
def test_payouts_run_pays_and_only_payouts_settle_refunds_the_remainder(
    site: Flask, monkeypatch: pytest.MonkeyPatch, inline: bool
) -> None:
    monkeypatch.setitem(site.config, "PAYOUTS_INLINE", inline)
    challenge_id = _approved_then_onboarded()

    paid = site.test_cli_runner().invoke(args=["payouts", "run"])

    assert paid.exit_code == 0 and "paid 2" in paid.output
    assert settlement_of(challenge_id) is None and sim_refunds() == []

    settled = site.test_cli_runner().invoke(args=["payouts", "settle"])

    assert settled.exit_code == 0 and "settled 1" in settled.output
    assert settlement_of(challenge_id).status == SettlementStatus.SETTLED
    ((refund,), (at_stripe,)) = (refund_rows(), sim_refunds())
    assert (refund.amount, at_stripe["amount"]) == (EXTRA, EXTRA)


def test_the_transfer_webhook_records_the_last_payout_but_calls_stripe_for_nothing(
    site: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = funded_world()
    approve(example)
    first, last = payouts(example.challenge.id)
    onboard(first.user_id)
    assert run_payouts().paid == 1
    onboard(last.user_id)
    held = HeldDeliveries()

    def crash(payout_id: int, transfer: object) -> str:
        raise RuntimeError("worker killed between Stripe's answer and the commit")

    with monkeypatch.context() as patch:
        patch.setattr(worker, "record_transfer", crash)
        with pytest.raises(RuntimeError, match="worker killed"):
            run_payouts()
    assert fresh(last.id).status == PayoutStatus.PROCESSING and len(transfers()) == 2

    held.release()  # transfer.created reaches the webhook: the last payout is recorded paid

    assert fresh(last.id).status == PayoutStatus.PAID
    assert sim_refunds() == [] and settlement_of(example.challenge.id) is None
    settled = site.test_cli_runner().invoke(args=["payouts", "settle"])
    assert "settled 1" in settled.output
    assert [r["amount"] for r in sim_refunds()] == [EXTRA]


def _in_thread(app: Flask, job: Callable[[], object]) -> tuple[threading.Thread, list]:
    """``job`` in its own thread, app context and database session, as another worker."""
    results: list = []

    def work() -> None:
        with app.app_context():
            try:
                results.append(job())
            finally:
                db.session.remove()

    thread = threading.Thread(target=work)
    thread.start()
    return thread, results


def test_a_payout_whose_key_is_still_running_at_stripe_stays_processing_then_pays_once(
    site: Flask,
) -> None:
    example = funded_world()
    approve(example)
    first, _ = payouts(example.challenge.id)
    onboard(first.user_id)
    stall = simulator().stall_next("POST", "/v1/transfers")
    thread, outcomes = _in_thread(site, run_payouts)  # a worker whose call Stripe is still on
    assert stall.reached.wait(timeout=60), "the first worker never reached Stripe"
    try:
        second = run_payouts()  # cron retries the processing row with the same key

        row = fresh(first.id)
        assert (second.unknown, second.failed) == (1, 0)
        assert row.status == PayoutStatus.PROCESSING and "in-progress" in row.last_error
    finally:
        stall.release()
        thread.join(timeout=60)
    assert [run.paid for run in outcomes] == [1]
    row = fresh(first.id)
    (transfer,) = transfers()
    assert (row.status, row.stripe_transfer_id) == (PayoutStatus.PAID, transfer["id"])


def test_a_refund_whose_key_is_still_running_at_stripe_stays_pending_then_succeeds_once(
    site: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(site.config, "PAYOUTS_INLINE", False)
    example = funded_world()
    approve(example)
    for user_id in sorted({p.user_id for p in payouts(example.challenge.id)}):
        onboard(user_id)
    assert run_payouts().paid == 2
    challenge_id = example.challenge.id
    stall = simulator().stall_next("POST", "/v1/refunds")
    thread, _ = _in_thread(site, lambda: settle_challenge(challenge_id))
    assert stall.reached.wait(timeout=60), "the settling worker never reached Stripe"
    try:
        retry_pending_refunds(challenge_id)  # the same key while the first call still runs

        (refund,) = refund_rows()
        assert refund.status == RefundStatus.PENDING and "in-progress" in refund.last_error
    finally:
        stall.release()
        thread.join(timeout=60)
    (refund,) = refund_rows()
    (at_stripe,) = sim_refunds()
    assert (refund.status, refund.stripe_refund_id) == (RefundStatus.SUCCEEDED, at_stripe["id"])
    assert settlement_of(challenge_id).status == SettlementStatus.SETTLED

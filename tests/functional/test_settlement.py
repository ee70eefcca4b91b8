"""Settlement: once every award is paid (or the sponsor declined), the unawarded purse, never
the platform fee, is refunded to the sponsor exactly once, through the official SDK and the
Stripe simulator (in-process and over a loopback port), whatever order, replay or crash."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from challenges.models import Challenge
from core.db import db
from judging.results.awards import decline_awards
from judging.results.compute import compute_results
from payments.gateway import gateway
from payments.ledger import summary
from payments.models import RefundStatus
from payments.payouts.inline import pay_and_settle
from payments.payouts.models import SettlementReason, SettlementStatus
from payments.payouts.settlement import settle_all, settle_challenge
from payments.payouts.worker import PayoutRun, run_payouts
from tests.concurrency import race_threads
from tests.functional.payments_helpers import MakeApp, log_in, sponsor_with_approved_challenge
from tests.functional.payouts_helpers import (
    FIRST,
    SECOND,
    HeldDeliveries,
    approve,
    ledger_totals,
    onboard,
    payouts,
    simulator,
    stripe_app,
)
from tests.functional.settlement_helpers import (
    EXTRA,
    FEE,
    funded_world,
    refund_rows,
    settlement_of,
    sim_refunds,
    subjects,
)


@pytest.fixture(params=["in_process", "loopback"])
def site(request: pytest.FixtureRequest, app: Flask, make_app: MakeApp) -> Iterator[Flask]:
    with stripe_app(request.param, app, make_app) as built:
        yield built


def _onboard_winners(challenge_id: int) -> None:
    """Ready, not yet paid: the tests' own ``_pay_inline`` pays them."""
    for user_id in sorted({p.user_id for p in payouts(challenge_id)}):
        onboard(user_id)


def _pay_inline(challenge_id: int) -> PayoutRun:
    """What the app runs after approval or onboarding (PAYOUTS_INLINE): pay, then settle."""
    run = pay_and_settle(challenge_id=challenge_id)
    assert run is not None
    return run


def _events(kind: str) -> list[dict]:
    return [event for event in simulator().events() if event["type"] == kind]


def _assert_remainder_refunded_once(challenge_id: int, remainder: int) -> None:
    (refund,) = refund_rows()
    (at_stripe,) = sim_refunds()
    assert (refund.amount, refund.status) == (remainder, RefundStatus.SUCCEEDED)
    assert refund.stripe_refund_id == at_stripe["id"]
    assert (at_stripe["amount"], at_stripe["metadata"]["refund_id"]) == (remainder, str(refund.id))
    totals = ledger_totals(challenge_id)
    assert totals["refunded"] == remainder and "fee_refunded" not in totals
    assert totals["fee"] == FEE
    funds = summary(db.session.get(Challenge, challenge_id))
    assert funds.paid_out + funds.refunded == funds.funded and funds.held == 0


@pytest.mark.parametrize("order", ["webhook_first", "worker_first"])
def test_the_remainder_is_refunded_once_after_the_last_payout_is_paid(
    site: Flask, order: str, mails
) -> None:
    example = funded_world()
    challenge_id = example.challenge.id
    approve(example)
    _onboard_winners(challenge_id)
    held = HeldDeliveries() if order == "worker_first" else None
    assert _pay_inline(challenge_id).paid == 2
    if held is not None:  # the worker recorded both paid; Stripe's events are late
        settlement = settlement_of(challenge_id)
        assert settlement.status == SettlementStatus.REFUNDING
        assert [r.status for r in refund_rows()] == [RefundStatus.REQUESTED]
        assert subjects(mails, "Settled:") == []
        held.release()
    settlement = settlement_of(challenge_id)
    assert (settlement.status, settlement.reason) == (
        SettlementStatus.SETTLED,
        SettlementReason.PAID,
    )
    assert (settlement.remainder, settlement.awarded, settlement.fee) == (
        EXTRA,
        FIRST + SECOND,
        FEE,
    )
    _assert_remainder_refunded_once(challenge_id, EXTRA)
    assert str(settle_all()) == "settled 0, refund awaiting confirmation 0, not ready 0"
    assert len(sim_refunds()) == 1 and len(refund_rows()) == 1
    settled = subjects(mails, "Settled:")
    assert settled and len(settled) == len({m.to for m in settled})  # once per sponsor person
    assert example.world.owner.email in {m.to for m in settled}
    assert "Refunded to you: $2,500\n" in settled[0].body
    assert "Platform fee (not refunded after results): $800\n" in settled[0].body
    paid = subjects(mails, "Prize paid:")
    assert sorted(m.to for m in paid) == sorted(
        db.session.get(type(example.world.owner), p.user_id).email for p in payouts(challenge_id)
    )


def test_nothing_is_refunded_when_the_prizes_use_the_whole_purse(site: Flask, mails) -> None:
    example = funded_world(purses=(FIRST + SECOND,))
    approve(example)
    _onboard_winners(example.challenge.id)
    _pay_inline(example.challenge.id)
    settlement = settlement_of(example.challenge.id)
    assert (settlement.status, settlement.remainder) == (SettlementStatus.SETTLED, 0)
    assert refund_rows() == [] and sim_refunds() == []
    assert len(subjects(mails, "Settled:")) == len({m.to for m in subjects(mails, "Settled:")})
    assert "Refunded to you: $0\n" in subjects(mails, "Settled:")[0].body


def test_a_challenge_is_not_settled_while_a_payout_waits_for_onboarding(site: Flask) -> None:
    example = funded_world()
    approve(example)
    first = payouts(example.challenge.id)[0]
    onboard(first.user_id)
    assert run_payouts().paid == 1
    assert settlement_of(example.challenge.id) is None
    assert str(settle_all()) == "settled 0, refund awaiting confirmation 0, not ready 1"
    assert sim_refunds() == []


def test_declining_refunds_the_whole_purse_but_keeps_the_fee(site: Flask, mails) -> None:
    example = funded_world(passing=95)
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    decline_awards(
        actor=example.world.owner, snapshot=snapshot, reason="No entry reached the passing score."
    )
    purse = FIRST + SECOND + EXTRA
    settlement = settlement_of(example.challenge.id)
    assert (settlement.reason, settlement.status) == (
        SettlementReason.DECLINED,
        SettlementStatus.SETTLED,
    )
    assert (settlement.awarded, settlement.remainder) == (0, purse)
    _assert_remainder_refunded_once(example.challenge.id, purse)
    (settled, *_) = subjects(mails, "Settled:")
    assert "No prize was awarded" in settled.body and "not refunded after results" in settled.body
    assert settle_all().settled == 0 and len(sim_refunds()) == 1


def test_with_two_fundings_the_remainder_comes_from_the_latest_first(app: Flask) -> None:
    example = funded_world(purses=(1_000_000, 600_000), passing=95)
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    decline_awards(actor=example.world.owner, snapshot=snapshot, reason="Nothing passed at all.")
    rows = refund_rows()
    assert [(r.funding.sequence, r.amount, r.status) for r in rows] == [
        (2, 600_000, RefundStatus.SUCCEEDED),
        (1, 1_000_000, RefundStatus.SUCCEEDED),
    ]
    assert sorted(r["amount"] for r in sim_refunds()) == [600_000, 1_000_000]
    assert settlement_of(example.challenge.id).status == SettlementStatus.SETTLED
    assert ledger_totals(example.challenge.id)["refunded"] == 1_600_000


def test_replayed_refund_and_transfer_events_change_nothing(site: Flask, mails) -> None:
    example = funded_world()
    approve(example)
    _onboard_winners(example.challenge.id)
    _pay_inline(example.challenge.id)
    before = (ledger_totals(example.challenge.id), len(mails))
    for kind in ("charge.refunded", "transfer.created"):
        for event in _events(kind):
            simulator().redeliver(event["id"])
    assert (ledger_totals(example.challenge.id), len(mails)) == before
    assert simulator().delivery_failures() == []
    _assert_remainder_refunded_once(example.challenge.id, EXTRA)


@pytest.mark.parametrize("webhook", ["late", "before_repair"])
def test_a_crash_after_the_refund_call_is_repaired_by_settle_with_the_same_key(
    site: Flask, webhook: str, monkeypatch: pytest.MonkeyPatch, mails
) -> None:
    example = funded_world()
    approve(example)
    _onboard_winners(example.challenge.id)
    held = HeldDeliveries()
    real = gateway().create_refund

    def crash(**call: object) -> object:
        real(**call)
        raise RuntimeError("worker killed between Stripe's refund and the commit")

    with monkeypatch.context() as patch:
        patch.setattr(gateway(), "create_refund", crash)
        assert _pay_inline(example.challenge.id).paid == 2  # the crash is logged
    (refund,) = refund_rows()
    assert refund.status == RefundStatus.PENDING and refund.stripe_refund_id is None
    assert len(sim_refunds()) == 1
    if webhook == "before_repair":
        held.release()  # charge.refunded confirms the committed intent
    result = site.test_cli_runner().invoke(args=["payouts", "settle"])
    assert result.exit_code == 0 and "Settlements:" in result.output
    (at_stripe,) = sim_refunds()  # the retry carried refund:<id> and got Stripe's first answer
    if webhook == "late":
        (refund,) = refund_rows()
        assert (refund.status, refund.stripe_refund_id) == (RefundStatus.REQUESTED, at_stripe["id"])
        held.release()
    (refund,) = refund_rows()
    assert refund.status == RefundStatus.SUCCEEDED
    assert settlement_of(example.challenge.id).status == SettlementStatus.SETTLED
    totals = ledger_totals(example.challenge.id)
    assert totals["refunded"] == EXTRA and "fee_refunded" not in totals
    settled = subjects(mails, "Settled:")
    assert len(settled) == len({m.to for m in settled}) >= 1


def test_winners_without_an_account_are_asked_once_to_set_up_payouts(app: Flask, mails) -> None:
    example = funded_world()
    first_owner = example.entries[3].owner_id  # S3 wins First prize
    onboard(first_owner)  # ready before the results
    approve(example)
    asked = subjects(mails, "Set up payouts")
    (others,) = [p for p in payouts(example.challenge.id) if p.user_id != first_owner]
    winner = db.session.get(type(example.world.owner), others.user_id)
    assert [m.to for m in asked] == [winner.email]
    assert "/account/payouts" in asked[0].body and "owed $5,000 from" in asked[0].body
    assert len(subjects(mails, "Your entry won")) == 2  # judging's announcement, unchanged
    assert [m.to for m in subjects(mails, "Prize paid:")] == [
        db.session.get(type(example.world.owner), first_owner).email
    ]  # the ready winner was paid inline


def test_settles_running_at_once_refund_the_remainder_once(
    app: Flask, monkeypatch: pytest.MonkeyPatch, mails
) -> None:
    monkeypatch.setitem(app.config, "PAYOUTS_INLINE", False)  # leave settling to the racers
    example = funded_world(passing=95)
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    decline_awards(actor=example.world.owner, snapshot=snapshot, reason="Nothing passed at all.")
    challenge_id = example.challenge.id
    assert settlement_of(challenge_id) is None
    db.session.remove()  # the racers' commits must not wait on this session
    errors = race_threads(app, lambda: settle_challenge(challenge_id))
    if db.engine.dialect.name == "postgresql":  # the fundings' row lock queues the racers
        assert errors == []
    else:  # SQLite may refuse a racer's write ("database is locked"): nothing half-written
        assert [e for e in errors if not isinstance(e, sa.exc.OperationalError)] == []
    settle_all()  # whoever lost a SQLite lock is caught up by cron
    for failed in simulator().delivery_failures():  # Stripe retries a webhook that failed
        simulator().redeliver(failed["id"])
    _assert_remainder_refunded_once(challenge_id, FIRST + SECOND + EXTRA)
    settled = subjects(mails, "Settled:")
    assert len(settled) == len({m.to for m in settled}) >= 1


def test_the_funding_page_says_the_fee_is_not_refunded_after_results(client) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    log_in(client, owner)
    page = client.get(f"/challenges/{challenge.slug}/fund").text
    assert "whatever is not awarded is refunded to you once every winner is paid" in page
    assert "After results, the platform fee is not refunded." in page

"""The ledger adds up after every step of any sequence of payout operations (hypothesis).

One funded challenge with approved awards (a three-person team wins First prize, a solo solver
Second); the machine onboards recipients, runs the worker and reconcile, injects Stripe faults
(5xx, dropped connections, 429s, answers lost after Stripe acted), crashes the worker after the
Stripe call, holds webhooks and releases them in any order, and replays old ones. After every
step: paid + refunded + held == funded with held never negative, the ledger agrees with
Stripe's transfers and charges, no payout is paid twice, and no more than the awards is paid.
At the end, with faults drained, everyone onboarded is paid.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask, current_app
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from challenges.models import Challenge
from core.db import db
from judging.results.models import Award
from payments.connect.models import ConnectedAccount
from payments.gateway import init_gateway
from payments.ledger import summary
from payments.payouts import worker
from payments.payouts.models import Payout, PayoutStatus
from payments.payouts.worker import reconcile_payouts, run_payouts
from tests.database import empty_tables
from tests.functional.payouts_helpers import (
    approve,
    judged_and_funded,
    ledger_totals,
    onboard,
    payouts,
    simulator,
    three_person_team,
    transfers,
)

FAULTS = st.sampled_from([500, 503, 429, 0])  # 0: the connection drops (a timeout)


class PayoutMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        init_gateway(
            current_app._get_current_object()
        )  # a fresh simulator: keys restart with the row ids
        example, self.funding = judged_and_funded()
        three_person_team(example, 3)  # S3 wins First prize as a team, S1 Second alone
        approve(example)
        self.challenge_id = example.challenge.id
        self.recipients = sorted({p.user_id for p in payouts(self.challenge_id)})
        self.awarded = sum(
            db.session.scalars(
                sa.select(Award.amount).where(Award.challenge_id == self.challenge_id)
            )
        )
        self.accounts: dict[int, str] = {}
        self.held: list[tuple[str, bytes, str]] | None = None
        self.deliver = simulator().deliver

    # ---- rules -------------------------------------------------------------------------------

    @initialize(
        started=st.lists(st.sampled_from(["none", "started", "complete"]), min_size=4, max_size=4),
        hold=st.booleans(),
    )
    def start(self, started: list[str], hold: bool) -> None:
        """Some recipients onboarded before the first step; webhooks maybe delayed."""
        for user_id, how in zip(self.recipients, started, strict=False):
            if how != "none":
                self.accounts[user_id] = onboard(user_id, complete=how == "complete")
        if hold:
            self.hold_webhooks()

    @rule(who=st.integers(min_value=0, max_value=3), complete=st.booleans())
    def onboard_recipient(self, who: int, complete: bool) -> None:
        user_id = self.recipients[who % len(self.recipients)]
        db.session.rollback()
        if user_id not in self.accounts:
            self.accounts[user_id] = onboard(user_id, complete=complete)
        elif complete:
            simulator().complete_onboarding(self.accounts[user_id])

    @rule()
    def run_worker(self) -> None:
        db.session.rollback()
        run_payouts(self.challenge_id)

    @rule(status=FAULTS, count=st.integers(min_value=1, max_value=4), lost=st.booleans())
    def fault_next_transfer(self, status: int, count: int, lost: bool) -> None:
        """The next ``count`` transfer requests fail; with ``lost`` Stripe acted first."""
        simulator().fail_next(
            "POST", "/v1/transfers", status=status, count=count, after_processing=lost
        )

    @rule(status=FAULTS, count=st.integers(min_value=1, max_value=4), lost=st.booleans())
    def run_worker_into_faults(self, status: int, count: int, lost: bool) -> None:
        self.fault_next_transfer(status, count, lost)
        self.run_worker()

    @rule()
    def crash_worker_after_stripe(self) -> None:
        original = worker.record_transfer

        def crash(payout_id: int, transfer: object) -> str:
            raise RuntimeError("worker killed after Stripe answered")

        worker.record_transfer = crash
        try:
            run_payouts(self.challenge_id)
        except RuntimeError:
            pass
        finally:
            worker.record_transfer = original
            db.session.rollback()

    @rule()
    def hold_webhooks(self) -> None:
        if self.held is None:
            self.held = []
            simulator().deliver = lambda endpoint, payload, sig: self.held.append(
                (endpoint, payload, sig)
            )

    @rule(order=st.randoms(use_true_random=False))
    def release_webhooks(self, order: random.Random) -> None:
        self._release(order)

    def _release(self, order: random.Random) -> None:
        if self.held is None:
            return
        held, self.held = self.held, None
        simulator().deliver = self.deliver
        order.shuffle(held)
        db.session.rollback()
        for delivery in held:
            self.deliver(*delivery)

    @rule(pick=st.integers(min_value=0, max_value=10_000))
    def replay_webhook(self, pick: int) -> None:
        events = simulator().events()
        if events and self.held is None:
            db.session.rollback()
            simulator().redeliver(events[pick % len(events)]["id"])

    @rule()
    def reconcile(self) -> None:
        db.session.rollback()
        reconcile_payouts(older_than=timedelta(0))

    # ---- invariants --------------------------------------------------------------------------

    @invariant()
    def the_ledger_adds_up_and_agrees_with_stripe(self) -> None:
        totals = ledger_totals(self.challenge_id)
        funded, paid = totals.get("funded", 0), totals.get("paid_out", 0)
        refunded = totals.get("refunded", 0)
        funds = summary(db.session.get(Challenge, self.challenge_id))
        assert (funds.funded, funds.paid_out, funds.refunded) == (funded, paid, refunded)
        assert paid + refunded + funds.held == funded and funds.held >= 0
        charges = [c for c in simulator().objects("charge") if c["status"] == "succeeded"]
        assert funded == sum(c["amount"] for c in charges)
        rows = payouts(self.challenge_id)
        paid_rows = [p for p in rows if p.status == PayoutStatus.PAID]
        assert paid == sum(p.amount for p in paid_rows) <= self.awarded

    @invariant()
    def no_payout_is_paid_twice(self) -> None:
        by_payout: dict[str, list[dict]] = {}
        for transfer in transfers():
            by_payout.setdefault(transfer["metadata"]["payout_id"], []).append(transfer)
        assert all(len(made) == 1 for made in by_payout.values()), by_payout
        rows = {str(p.id): p for p in payouts(self.challenge_id)}
        for payout_id, (transfer,) in by_payout.items():
            payout = rows[payout_id]
            # A transfer exists only for a payout that was claimed; paid rows name it.
            assert payout.status in (PayoutStatus.PROCESSING, PayoutStatus.PAID)
            if payout.status == PayoutStatus.PAID:
                assert payout.stripe_transfer_id == transfer["id"]
        per_recipient: dict[tuple[int, int], int] = {}
        for payout in rows.values():
            if payout.status == PayoutStatus.PAID:
                key = (payout.award_id, payout.user_id)
                per_recipient[key] = per_recipient.get(key, 0) + 1
        assert all(n == 1 for n in per_recipient.values())  # a re-issue never pays twice
        assert sum(t["amount"] for t in transfers()) <= self.awarded

    def teardown(self) -> None:
        """Drain: release webhooks, finish onboarding, run reconcile and the worker until
        Stripe's queued faults are used up; every onboarded recipient is then paid once."""
        try:
            self._release(random.Random(0))
            for user_id in self.recipients:
                if user_id in self.accounts:
                    simulator().complete_onboarding(self.accounts[user_id])
            for _ in range(60):
                db.session.rollback()
                reconcile_payouts(older_than=timedelta(0))
                run_payouts(self.challenge_id)
                open_rows = [
                    p
                    for p in payouts(self.challenge_id)
                    if p.status == PayoutStatus.PROCESSING
                    or (p.status == PayoutStatus.PENDING and p.user_id in self.accounts)
                ]
                if not open_rows:
                    break
            ready = set(
                db.session.scalars(
                    sa.select(ConnectedAccount.user_id).where(
                        ConnectedAccount.transfers_active.is_(True)
                    )
                )
            )
            latest: dict[tuple[int, int], Payout] = {}
            for payout in payouts(self.challenge_id):
                latest[(payout.award_id, payout.user_id)] = payout
            for payout in latest.values():
                if payout.user_id in ready:
                    assert payout.status in (PayoutStatus.PAID, PayoutStatus.FAILED), payout
            self.the_ledger_adds_up_and_agrees_with_stripe()
            self.no_payout_is_paid_twice()
        finally:
            simulator().deliver = self.deliver
            empty_tables()


def test_the_ledger_adds_up_after_every_step_of_random_payout_operations(app: Flask) -> None:
    run_state_machine_as_test(
        PayoutMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=15,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


@pytest.fixture(autouse=True)
def _quiet_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("CRITICAL", logger="openprize.payments")

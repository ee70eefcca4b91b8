"""Builders for the payout tests: a funded, judged challenge whose winners are approved, with
the gateway talking through the official SDK to the Stripe simulator (in-process or loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app

from challenges.models import Challenge
from core.db import db
from judging.results.awards import approve_winners, default_picks
from judging.results.compute import compute_results
from judging.results.models import Award
from payments.connect.models import ConnectedAccount
from payments.gateway import EXTENSION_KEY, gateway
from payments.ledger import summary
from payments.models import Funding, FundingStatus, LedgerEntry, LedgerKind
from payments.payouts.models import Payout, PayoutStatus
from payments.simulator import StripeSimulator
from submissions.models import Submission, TeamMember, TeamRole
from tests.example_support import Example, example_world
from tests.factories import make_org
from tests.functional.payments_helpers import MakeApp, loopback_site
from tests.judging_support import person

FIRST = 1_000_001  # First prize: an odd amount, so a three-way split leaves remainder cents
SECOND = 500_000


@dataclass
class Prize:
    example: Example
    funding: Funding
    awards: list[Award]

    @property
    def challenge_id(self) -> int:
        return self.example.challenge.id

    def winner(self, tier: int) -> Submission:
        award = sorted(self.awards, key=lambda a: a.amount, reverse=True)[tier]
        return db.session.get(Submission, award.submission_id)


def simulator() -> StripeSimulator:
    return gateway().simulator if gateway().simulated else _LOOPBACK["simulator"]


_LOOPBACK: dict[str, StripeSimulator] = {}


@contextmanager
def stripe_app(kind: str, app: Flask, make_app: MakeApp) -> Iterator[Flask]:
    """``in_process``: the test's app (its fresh in-memory simulator). ``loopback``: an app
    configured as for real Stripe, pointed at a simulator on 127.0.0.1; its context pushed."""
    if kind == "in_process":
        yield app
        return
    with loopback_site(make_app) as site, site.app.app_context():
        _LOOPBACK["simulator"] = site.simulator
        try:
            yield site.app
        finally:
            _LOOPBACK.clear()
            db.session.remove()


def fund_in_simulator(challenge_id: int, purse: int) -> Funding:
    """A paid funding whose Checkout charge exists in the simulator (so transfers can name it
    as ``source_transaction``); the webhook marks it paid and writes the ledger."""
    funding = Funding(
        challenge_id=challenge_id,
        purse_amount=purse,
        fee_amount=0,
        currency="USD",
        status=FundingStatus.OPEN,
    )
    db.session.add(funding)
    db.session.commit()
    session = gateway().create_checkout_session(
        idempotency_key=funding.idempotency_key,
        currency="USD",
        purse_amount=purse,
        fee_amount=0,
        title="Grid",
        transfer_group=f"challenge_{challenge_id}",
        success_url="https://openprize.test/ok",
        cancel_url="https://openprize.test/cancel",
        metadata={"funding_id": str(funding.id), "challenge_id": str(challenge_id)},
    )
    funding.checkout_session_id = session.id
    db.session.commit()
    simulator().complete_checkout(session.id)
    db.session.rollback()
    funding = db.session.get(Funding, funding.id, populate_existing=True)
    assert funding.status == FundingStatus.PAID and funding.charge_id
    return funding


def three_person_team(example: Example, entry: int) -> list[int]:
    """Entry ``entry``'s owner (3,334 bp) plus two members (3,333 bp each): user ids, owner
    first."""
    submission = example.entries[entry]
    mates = [person(f"mate{entry}a"), person(f"mate{entry}b")]
    for mate in mates:
        db.session.add(
            TeamMember(
                submission_id=submission.id,
                challenge_id=example.challenge.id,
                user_id=mate.id,
                role=TeamRole.MEMBER,
                share_bp=3333,
            )
        )
    db.session.flush()
    owner = db.session.scalars(
        sa.select(TeamMember).where(
            TeamMember.submission_id == submission.id, TeamMember.role == TeamRole.OWNER
        )
    ).one()
    owner.share_bp = 3334
    db.session.commit()
    return [owner.user_id, *(mate.id for mate in mates)]


def judged_and_funded(*, purse: int | None = None) -> tuple[Example, Funding]:
    example = example_world()
    first, _ = example.challenge.prize_tiers
    first.amount = FIRST
    example.challenge.purse_amount = FIRST + SECOND
    example.challenge.funded_amount = 0  # the simulated funding below adds it
    db.session.commit()
    funding = fund_in_simulator(example.challenge.id, purse or FIRST + SECOND)
    return example, funding


def approve(example: Example) -> list[Award]:
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    return approve_winners(
        actor=example.world.owner, snapshot=snapshot, picks=default_picks(snapshot), reason=""
    )


def onboard(user_id: int, *, complete: bool = True, start_payouts: bool = False) -> str:
    """A Connect account for the user at the simulator, recorded as the onboarding page does;
    ``complete`` finishes onboarding (the ``account.updated`` webhook activates transfers).
    The app would then pay what the user is owed (PAYOUTS_INLINE); as a builder, this keeps
    PAYOUTS_INLINE off while that webhook is applied, so the test's own worker run pays,
    unless ``start_payouts``. ``tests/functional/test_onboarding_pays.py`` tests that path."""
    state = gateway().create_connected_account(
        country="US", email=f"user{user_id}@example.com", idempotency_key=f"test-acct:{user_id}"
    )
    db.session.add(ConnectedAccount(user_id=user_id, stripe_account_id=state.id))
    db.session.commit()
    if complete:
        config = current_app.config  # the app the simulator delivers its webhooks to
        inline = config["PAYOUTS_INLINE"]
        config["PAYOUTS_INLINE"] = inline and start_payouts
        try:
            simulator().complete_onboarding(state.id)
        finally:
            config["PAYOUTS_INLINE"] = inline
    return state.id


def payouts(challenge_id: int | None = None) -> list[Payout]:
    db.session.rollback()
    query = sa.select(Payout).order_by(Payout.id)
    if challenge_id is not None:
        query = query.where(Payout.challenge_id == challenge_id)
    return list(db.session.scalars(query).all())


def transfers() -> list[dict]:
    return simulator().objects("transfer")


def ledger_totals(challenge_id: int) -> dict[str, int]:
    db.session.rollback()
    rows = db.session.execute(
        sa.select(LedgerEntry.kind, sa.func.sum(LedgerEntry.amount))
        .where(LedgerEntry.challenge_id == challenge_id)
        .group_by(LedgerEntry.kind)
    ).all()
    return {LedgerKind(kind).value: int(total) for kind, total in rows}


def assert_paid_once(challenge_id: int, *, everyone: bool = True) -> None:
    """Every paid payout (``everyone``: every payout) paid by its own transfer, one transfer
    per payout, the ledger's paid_out equal to them and within the funded purse."""
    rows = payouts(challenge_id)
    made = transfers()
    assert rows and (not everyone or all(p.status == PayoutStatus.PAID for p in rows))
    rows = [p for p in rows if p.status == PayoutStatus.PAID]
    by_payout = {}
    for transfer in made:
        by_payout.setdefault(transfer["metadata"]["payout_id"], []).append(transfer)
    assert {str(p.id): 1 for p in rows} == {k: len(v) for k, v in by_payout.items()}
    for payout in rows:
        (transfer,) = by_payout[str(payout.id)]
        assert (transfer["id"], transfer["amount"]) == (payout.stripe_transfer_id, payout.amount)
    totals = ledger_totals(challenge_id)
    assert totals["paid_out"] == sum(p.amount for p in rows) <= totals["funded"]
    funds = summary(db.session.get(Challenge, challenge_id))
    assert funds.held == totals["funded"] - funds.paid_out >= 0


def simulator_of(app: Flask) -> StripeSimulator:
    return app.extensions[EXTENSION_KEY].simulator


def fresh(payout_id: int) -> Payout:
    """The payout as committed by other sessions (webhook deliveries, worker threads)."""
    db.session.rollback()
    payout = db.session.get(Payout, payout_id)
    assert payout is not None
    return payout


ROLES = [
    "anonymous",
    "solver",
    "teammate",
    "judge",
    "other_judge",
    "member",
    "manager",
    "owner",
    "other_owner",
    "admin",
]


EMAILS = {
    "solver": "solver1@solver1.example",
    "teammate": "teammate@teammate.example",
    "judge": "judgea@judgea.example",
    "other_judge": "judgeb@judgeb.example",
    "member": "member@example.org",
    "manager": "manager@example.org",
    "owner": "owner@example.org",
    "other_owner": "other_owner@other_owner.example",
    "admin": "admin@admin.example",
}


def roles_world() -> Example:
    """A funded, judged challenge "grid" with approved winners (S3 first, S1 second), a team
    member on S1, another org's owner and a platform admin; nobody onboarded yet."""
    example, _ = judged_and_funded()
    db.session.add(
        TeamMember(
            submission_id=example.sid(1),
            challenge_id=example.challenge.id,
            user_id=person("teammate").id,
            role=TeamRole.MEMBER,
        )
    )
    make_org("Other", owner=person("other_owner"), slug="other")
    person("admin").is_admin = True
    db.session.commit()
    approve(example)
    return example


class HeldDeliveries:
    """Stands in for the network between Stripe and the app: events wait until released."""

    def __init__(self) -> None:
        self.held: list[tuple[str, bytes, str]] = []
        self.deliver = simulator().deliver
        simulator().deliver = self

    def __call__(self, endpoint: str, payload: bytes, signature: str) -> None:
        self.held.append((endpoint, payload, signature))

    def release(self) -> None:
        simulator().deliver = self.deliver
        for endpoint, payload, signature in self.held:
            self.deliver(endpoint, payload, signature)
        self.held.clear()

"""Payout pieces on their own: the team split, the status words, the schema's guards, the
winner's payouts partial."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask, render_template

from core.db import db, utcnow
from core.errors import Conflict
from judging.results import awards as judging_awards
from payments.models import LedgerEntry
from payments.payouts.creation import split_award
from payments.payouts.models import Payout, PayoutStatus
from payments.payouts.status import _summary, award_payout_status, my_payouts
from tests.factories import make_user
from tests.results_support import judged_world, publish

OWNER, ANA, BEN = 1, 2, 3


def test_team_members_get_the_floor_of_their_share_and_the_owner_every_remainder_cent() -> None:
    parts = split_award(1_000_001, [(OWNER, 3334, True), (ANA, 3333, False), (BEN, 3333, False)], 9)
    assert parts == {OWNER: 333_401, ANA: 333_300, BEN: 333_300}
    assert sum(parts.values()) == 1_000_001


def test_an_entry_without_declared_shares_pays_its_owner_everything() -> None:
    assert split_award(500, [], OWNER) == {OWNER: 500}
    assert split_award(500, [(OWNER, 0, True), (ANA, 0, False)], 9) == {OWNER: 500}


def test_a_member_whose_share_rounds_to_nothing_gets_no_payout() -> None:
    assert split_award(3, [(OWNER, 9999, True), (ANA, 1, False)], OWNER) == {OWNER: 3}


def test_shares_above_the_whole_prize_are_refused() -> None:
    with pytest.raises(Conflict, match="more than the whole prize"):
        split_award(100, [(OWNER, 0, True), (ANA, 6000, False), (BEN, 6000, False)], OWNER)


@pytest.mark.parametrize(
    ("states", "word"),
    [
        ([("paid", True), ("paid", True)], "paid"),
        ([("paid", True), ("failed", True)], "failed"),
        ([("paid", True), ("processing", True)], "processing"),
        ([("paid", True), ("pending", False)], "waiting for onboarding"),
        ([("pending", True)], "payout pending"),
        ([], "payout pending"),
    ],
)
def test_a_team_award_is_summarised_by_its_least_settled_payout(
    states: list[tuple[str, bool]], word: str
) -> None:
    assert _summary(states) == word


def _world_with_payout(status: PayoutStatus = PayoutStatus.PENDING) -> tuple[Payout, int]:
    world = judged_world(entry_count=2)
    published = publish(world)
    award = published.awards[0]
    payout = Payout(
        award_id=award.id,
        challenge_id=award.challenge_id,
        user_id=world.entries[0].owner_id,
        amount=award.amount,
        currency=award.currency,
    )
    db.session.add(payout)
    db.session.flush()
    payout.idempotency_key = payout.key
    if status != PayoutStatus.PENDING:
        payout.status = status
        payout.destination_account = "acct_x"
        payout.processing_started_at = utcnow()
    db.session.commit()
    return payout, world.entries[0].owner_id


def test_judging_shows_the_status_payments_registered(app: Flask) -> None:
    payout, _ = _world_with_payout()
    assert judging_awards.award_status(payout.award) == "waiting for onboarding"
    saved = list(judging_awards._status_provider)
    try:
        judging_awards._status_provider.clear()
        assert judging_awards.award_status(payout.award) == "payout pending"
    finally:
        judging_awards._status_provider[:] = saved
    assert judging_awards._status_provider == [award_payout_status]


def test_a_paid_payout_needs_its_transfer_id() -> None:
    payout, _ = _world_with_payout(PayoutStatus.PROCESSING)
    payout.status = PayoutStatus.PAID
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_one_payout_per_user_per_award_unless_reissued() -> None:
    payout, user_id = _world_with_payout()
    twin = {
        "award_id": payout.award_id,
        "challenge_id": payout.challenge_id,
        "user_id": user_id,
        "amount": 1,
        "currency": "USD",
    }
    db.session.add(Payout(**twin))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    db.session.add(Payout(**twin, reissue=1))
    db.session.commit()


def test_the_ledger_refuses_an_unknown_kind() -> None:
    payout, _ = _world_with_payout()
    db.session.add(
        LedgerEntry(
            challenge_id=payout.challenge_id, kind="gift", amount=1, currency="USD", reference="x"
        )
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_winners_payouts_partial_lists_their_payouts_only(app: Flask) -> None:
    payout, user_id = _world_with_payout()
    winner = db.session.get(type(make_user()), user_id)
    stranger = make_user()
    with app.test_request_context("/account/payouts"):
        # The payouts page's view passes the rows; the partial only formats them.
        html = render_template(
            "payments/_my_payouts.html", current_user=winner, my_rows=my_payouts(winner)
        )
        assert "Your prize payouts" in html and "Pending" in html and "First prize" in html
        assert (
            render_template(
                "payments/_my_payouts.html", current_user=stranger, my_rows=my_payouts(stranger)
            ).strip()
            == ""
        )
    assert [row["payout"].id for row in my_payouts(winner)] == [payout.id]


def test_a_payouts_amount_cannot_change_once_it_exists_even_while_processing() -> None:
    payout, _ = _world_with_payout(PayoutStatus.PROCESSING)
    amount = payout.amount
    with pytest.raises(Conflict, match="cannot change once it exists"):
        payout.amount = amount - 1
    db.session.rollback()
    assert db.session.get(Payout, payout.id).amount == amount
    fresh = Payout(
        award_id=payout.award_id,
        challenge_id=payout.challenge_id,
        user_id=1,
        amount=5,
        currency="USD",
    )
    fresh.amount = 6  # a payout not yet written may still be set up
    assert fresh.amount == 6

"""A winner who sets up payouts after the winners were approved is paid as soon as the account
is ready: on coming back from Stripe's onboarding, or when Stripe's ``account.updated`` says
so, whichever comes first; only that winner's payouts, with the worker's claims and keys."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db
from payments.gateway import EXTENSION_KEY
from payments.payouts.models import PayoutStatus, SettlementStatus
from tests.functional.payments_helpers import log_in
from tests.functional.payouts_helpers import (
    HeldDeliveries,
    approve,
    fresh,
    onboard,
    payouts,
    simulator,
    transfers,
)
from tests.functional.settlement_helpers import EXTRA, funded_world, settlement_of, sim_refunds


@pytest.fixture(autouse=True)
def _one_stripe(app: Flask, web_app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages (``web_app``) and the test's builders talk to the same simulated Stripe."""
    monkeypatch.setitem(web_app.extensions, EXTENSION_KEY, app.extensions[EXTENSION_KEY])


def _winners() -> tuple[int, list]:
    """A funded challenge whose two winners were approved before either set up payouts."""
    example = funded_world()
    approve(example)
    rows = payouts(example.challenge.id)
    assert [p.status for p in rows] == [PayoutStatus.PENDING] * 2 and transfers() == []
    return example.challenge.id, rows


def _set_up_on_the_site(client: FlaskClient, user_id: int) -> str:
    """The winner signs in and starts onboarding; returns the new Stripe account id."""
    log_in(client, db.session.get(User, user_id))
    response = client.post("/account/payouts", data={"country": "US"})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    (account,) = [a for a in simulator().objects("account") if a["metadata"]]
    return str(account["id"])


def _come_back(client: FlaskClient) -> str:
    """Stripe sends the winner back to the return URL; the page is then shown."""
    response = client.get("/account/payouts/return")
    assert response.status_code == 302
    response.close()  # sent, as a server would: what the page left for later runs now
    return client.get("/account/payouts").get_data(as_text=True)


def test_returning_from_onboarding_pays_the_winner_when_the_webhook_is_lost(
    client: FlaskClient,
) -> None:
    _, (first, second) = _winners()
    account_id = _set_up_on_the_site(client, first.user_id)
    held = HeldDeliveries()
    simulator().complete_onboarding(account_id)
    held.held.clear()  # Stripe's account.updated never arrives

    page = _come_back(client)

    assert "Your payout account is ready" in page
    row = fresh(first.id)
    (transfer,) = transfers()
    assert (row.status, row.stripe_transfer_id) == (PayoutStatus.PAID, transfer["id"])
    assert (transfer["destination"], row.idempotency_key) == (account_id, f"payout:{first.id}")
    assert fresh(second.id).status == PayoutStatus.PENDING  # only the returning winner's


def test_the_account_updated_webhook_pays_the_winner_and_the_last_one_settles(
    client: FlaskClient,
) -> None:
    challenge_id, (first, second) = _winners()
    second_account = onboard(second.user_id, complete=False)  # started, details still due
    account_id = _set_up_on_the_site(client, first.user_id)

    simulator().complete_onboarding(account_id)  # account.updated: the first winner is ready

    assert fresh(first.id).status == PayoutStatus.PAID
    assert fresh(second.id).status == PayoutStatus.PENDING
    assert settlement_of(challenge_id) is None

    simulator().complete_onboarding(second_account)  # the last winner's account.updated

    assert fresh(second.id).status == PayoutStatus.PAID
    assert len(transfers()) == 2
    assert settlement_of(challenge_id).status == SettlementStatus.SETTLED
    assert [r["amount"] for r in sim_refunds()] == [EXTRA]
    assert "Ready to receive payouts" in _come_back(client)  # and nothing is paid twice
    assert len(transfers()) == 2 and len(sim_refunds()) == 1


def test_without_inline_payouts_onboarding_leaves_the_payment_to_cron(
    app: Flask, web_app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PAYOUTS_INLINE", False)
    monkeypatch.setitem(web_app.config, "PAYOUTS_INLINE", False)
    _, (first, _) = _winners()
    account_id = _set_up_on_the_site(client, first.user_id)
    simulator().complete_onboarding(account_id)
    _come_back(client)
    assert fresh(first.id).status == PayoutStatus.PENDING and transfers() == []
    result = app.test_cli_runner().invoke(args=["payouts", "run"])
    assert "paid 1" in result.output
    assert fresh(first.id).status == PayoutStatus.PAID

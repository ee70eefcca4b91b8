"""Payout set-up at /account/payouts: Connect Express accounts, Account Links, return, outages."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from accounts.models import User
from core.db import db
from payments.connect.models import ConnectedAccount
from payments.connect.onboarding import transfers_ready
from payments.gateway import EXTENSION_KEY
from payments.simulator import StripeSimulator
from tests.factories import make_user
from tests.functional.payments_helpers import (
    MakeApp,
    Site,
    log_in,
    loopback_site,
    stripe_event_count,
)

SETUP_PATH = "/account/payouts"
ONBOARDING_PREFIX = "/payments/simulated/onboarding/acct_"


class HeldDeliveries:
    """The network between Stripe and the app is down: events wait, undelivered."""

    def __init__(self) -> None:
        self.held: list[tuple[str, bytes, str]] = []

    def __call__(self, endpoint: str, payload: bytes, signature: str) -> None:
        self.held.append((endpoint, payload, signature))


@pytest.fixture
def stripe_sim(web_app: Flask) -> StripeSimulator:
    """The simulated Stripe behind the app that serves ``client``."""
    return web_app.extensions[EXTENSION_KEY].simulator


@pytest.fixture
def solver(client: FlaskClient) -> User:
    user = make_user("ada")
    log_in(client, user)
    return user


def set_up(client: FlaskClient, country: str | None = "US") -> TestResponse:
    return client.post(SETUP_PATH, data={"country": country} if country else {})


def link_of(response: TestResponse) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def account_id_in(link: str) -> str:
    assert link.startswith(ONBOARDING_PREFIX), link
    return link.split("/")[-1].split("?")[0]


def stored(user: User) -> ConnectedAccount | None:
    db.session.rollback()
    return db.session.scalar(sa.select(ConnectedAccount).where(ConnectedAccount.user_id == user.id))


def status_on_page(client: FlaskClient) -> str:
    page = client.get(SETUP_PATH)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    start = text.index('id="payout-status">') + len('id="payout-status">')
    return text[start : text.index("</p>", start)]


def test_page_explains_transfers_and_offers_set_up_when_nothing_exists(
    client: FlaskClient, solver: User
) -> None:
    page = client.get(SETUP_PATH).get_data(as_text=True)

    assert status_on_page(client) == "Not set up"
    assert "Winners are paid by Stripe transfers" in page
    assert "Set up payouts with Stripe" in page and "Continue setup" not in page
    assert "Payments are simulated" in page
    account_page = client.get("/account").get_data(as_text=True)
    assert f'href="{SETUP_PATH}"' in account_page and ">Payouts</a>" in account_page


def test_set_up_creates_the_account_and_sends_the_solver_to_onboarding(
    client: FlaskClient, solver: User, stripe_sim: StripeSimulator
) -> None:
    link = link_of(set_up(client, "GB"))

    account_id = account_id_in(link)
    (created,) = stripe_sim.objects("account")
    assert created["id"] == account_id and created["type"] == "express"
    assert created["country"] == "GB" and created["email"] == solver.email
    assert created["capabilities"] == {"transfers": "inactive"}
    row = stored(solver)
    assert row is not None and row.stripe_account_id == account_id
    assert row.idempotency_key == f"connect:{row.id}"
    assert (row.details_submitted, row.transfers_active, row.payouts_enabled) == (False,) * 3
    assert status_on_page(client) == (
        "Details needed: a website or profile link, a bank account for payouts, date of birth,"
        " first name, last name, acceptance of Stripe&#39;s terms"
    )
    page = client.get(SETUP_PATH).get_data(as_text=True)
    assert "Continue setup" in page and "United Kingdom" in page
    assert not transfers_ready(solver.id)


def test_every_click_gets_a_fresh_link_to_the_same_single_account(
    client: FlaskClient, solver: User, stripe_sim: StripeSimulator
) -> None:
    first = link_of(set_up(client))
    second = link_of(set_up(client, country=None))  # "Continue setup" posts no country
    refreshed = client.get("/account/payouts/refresh")

    assert len({first, second, link_of(refreshed)}) == 3
    assert {account_id_in(link) for link in (first, second, link_of(refreshed))} == {
        account_id_in(first)
    }
    assert len(stripe_sim.objects("account")) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ConnectedAccount)) == 1


def test_two_tabs_setting_up_at_the_same_moment_create_one_account(
    web_app: Flask, stripe_sim: StripeSimulator
) -> None:
    user = make_user("grace")
    tabs = [web_app.test_client(), web_app.test_client()]
    for tab in tabs:
        log_in(tab, user)
    start = threading.Barrier(len(tabs))
    responses: dict[int, TestResponse] = {}

    def click(index: int, tab: FlaskClient) -> None:
        start.wait(timeout=10)
        responses[index] = set_up(tab)

    threads = [threading.Thread(target=click, args=pair) for pair in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(responses) == [0, 1]
    links = [link_of(responses[0]), link_of(responses[1])]
    assert links[0] != links[1]
    (created,) = stripe_sim.objects("account")
    assert [account_id_in(link) for link in links] == [created["id"]] * 2
    row = stored(user)
    assert row is not None and row.stripe_account_id == created["id"] and row.attempt == 1


def test_finishing_simulated_onboarding_returns_to_a_ready_page(
    client: FlaskClient, solver: User
) -> None:
    link = link_of(set_up(client))
    onboarding = client.get(link).get_data(as_text=True)
    assert "Payments are simulated" in onboarding and "No money moves" in onboarding
    assert "Complete onboarding (simulated)" in onboarding

    done = client.post(link.split("?")[0], follow_redirects=True)

    assert [r.location for r in done.history] == ["/account/payouts/return", "/account/payouts"]
    assert "Your payout account is ready" in done.get_data(as_text=True)
    assert status_on_page(client) == "Ready to receive payouts"
    assert "Set up payouts with Stripe" not in client.get(SETUP_PATH).get_data(as_text=True)
    row = stored(solver)
    assert row is not None and row.transfers_active and row.payouts_enabled
    assert row.details_submitted and row.requirements_due == "" and row.last_synced_at
    assert transfers_ready(solver.id)
    assert stripe_event_count() == 1  # account.updated, through the signed Connect endpoint


def test_return_re_fetches_the_account_when_no_webhook_arrived(
    client: FlaskClient,
    solver: User,
    stripe_sim: StripeSimulator,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    account_id = account_id_in(link_of(set_up(client)))
    monkeypatch.setattr(stripe_sim, "deliver", HeldDeliveries())
    stripe_sim.complete_onboarding(account_id)
    assert status_on_page(client).startswith("Details needed")

    back = client.get("/account/payouts/return", follow_redirects=True)

    assert "Your payout account is ready" in back.get_data(as_text=True)
    assert status_on_page(client) == "Ready to receive payouts"
    assert stripe_event_count() == 0


def test_return_while_details_are_missing_says_so(client: FlaskClient, solver: User) -> None:
    link_of(set_up(client))

    back = client.get("/account/payouts/return", follow_redirects=True)

    assert "Stripe still needs some details" in back.get_data(as_text=True)
    assert status_on_page(client).startswith("Details needed: a website or profile link")


def test_refresh_or_return_without_an_account_lead_back_to_the_page(
    client: FlaskClient, solver: User, stripe_sim: StripeSimulator
) -> None:
    refreshed = client.get("/account/payouts/refresh", follow_redirects=True)
    returned = client.get("/account/payouts/return", follow_redirects=True)

    assert "Start setting up payouts from the payouts page" in refreshed.get_data(as_text=True)
    assert "Payouts are not set up yet" in returned.get_data(as_text=True)
    assert stored(solver) is None and stripe_sim.objects("account") == []


def test_disconnected_account_says_so_and_can_be_set_up_again(
    client: FlaskClient, solver: User, stripe_sim: StripeSimulator
) -> None:
    old_id = account_id_in(link_of(set_up(client)))
    stripe_sim.complete_onboarding(old_id)
    stripe_sim.deauthorize(old_id)

    status = status_on_page(client)
    assert status.startswith("Disconnected: you removed OpenPrize's access on ")
    assert status.endswith("; set up again")
    assert not transfers_ready(solver.id)
    assert "Set up payouts with Stripe" in client.get(SETUP_PATH).get_data(as_text=True)
    assert "no longer has access" in client.get(
        "/account/payouts/return", follow_redirects=True
    ).get_data(as_text=True)

    new_id = account_id_in(link_of(set_up(client)))

    assert new_id != old_id and len(stripe_sim.objects("account")) == 2
    row = stored(solver)
    assert row is not None and row.deauthorized_at is None and row.attempt == 2
    assert row.idempotency_key == f"connect:{row.id}:2"
    assert status_on_page(client).startswith("Details needed")


@pytest.mark.parametrize("after_processing", [False, True], ids=["not_sent", "reply_lost"])
def test_stripe_outage_flashes_and_the_retry_finishes_with_the_same_key(
    client: FlaskClient, solver: User, stripe_sim: StripeSimulator, after_processing: bool
) -> None:
    stripe_sim.fail_next(  # not sent: dropped before Stripe saw it (a 5xx is kept for the key)
        "POST",
        "/v1/accounts",
        status=500 if after_processing else 0,
        count=3,
        after_processing=after_processing,
    )

    refused = set_up(client, "CA")

    assert refused.status_code == 302 and refused.location == SETUP_PATH
    flashed = client.get(SETUP_PATH).get_data(as_text=True)
    assert "Stripe did not answer. Nothing is lost; please try again" in flashed
    row = stored(solver)
    assert row is not None and row.stripe_account_id is None and row.attempt == 1
    assert len(stripe_sim.objects("account")) == (1 if after_processing else 0)
    assert status_on_page(client) == "Not set up"

    account_id = account_id_in(link_of(set_up(client, "CA")))

    (created,) = stripe_sim.objects("account")
    assert created["id"] == account_id and created["country"] == "CA"
    retried = stored(solver)
    assert retried is not None and retried.stripe_account_id == account_id
    assert retried.attempt == 1 and retried.idempotency_key == f"connect:{row.id}"


def test_stripe_refusal_flashes_its_reason_and_the_next_click_uses_a_new_key(
    client: FlaskClient, solver: User, stripe_sim: StripeSimulator
) -> None:
    stripe_sim.fail_next("POST", "/v1/accounts", status=400)

    refused = set_up(client)

    assert refused.status_code == 302
    assert "Stripe refused to set up the account" in client.get(SETUP_PATH).get_data(as_text=True)
    assert stripe_sim.objects("account") == []
    account_id = account_id_in(link_of(set_up(client)))
    row = stored(solver)
    assert row is not None and row.stripe_account_id == account_id and row.attempt == 2


def test_a_country_outside_the_list_is_refused_on_the_form(
    client: FlaskClient, solver: User, stripe_sim: StripeSimulator
) -> None:
    response = set_up(client, "XX")

    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert stored(solver) is None and stripe_sim.objects("account") == []


@pytest.fixture
def loopback(make_app: MakeApp) -> Iterator[Site]:
    with loopback_site(make_app) as built:
        yield built


def test_onboarding_over_the_wire_with_real_stripe_configuration(loopback: Site) -> None:
    user = make_user("hedy")
    log_in(loopback.client, user)

    link = link_of(set_up(loopback.client))

    assert link.startswith("https://checkout.stripe.test/payments/simulated/onboarding/acct_")
    account_id = link.split("/")[-1].split("?")[0]
    assert loopback.client.get(f"/payments/simulated/onboarding/{account_id}").status_code == 404
    loopback.simulator.complete_onboarding(account_id)  # the solver finishes at Stripe
    back = loopback.client.get("/account/payouts/return", follow_redirects=True)
    assert "Your payout account is ready" in back.get_data(as_text=True)
    assert transfers_ready(user.id) and stripe_event_count() == 1

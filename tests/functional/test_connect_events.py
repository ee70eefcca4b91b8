"""Connect webhooks for payout accounts (signed, deduplicated, unknown accounts) and who may see
or change which payout account."""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from accounts.models import User
from core.db import db
from payments.connect.models import ConnectedAccount, PayoutState
from payments.connect.onboarding import transfers_ready
from payments.gateway import EXTENSION_KEY
from payments.models import StripeEvent
from payments.simulator import StripeSimulator
from tests.factories import make_user
from tests.functional.payments_helpers import (
    CONNECT_PATH,
    delivered,
    event_about,
    log_in,
    post_event,
    signed,
    stripe_event_count,
)


@pytest.fixture
def stripe_sim(web_app: Flask) -> StripeSimulator:
    return web_app.extensions[EXTENSION_KEY].simulator


@pytest.fixture
def connect_secret(web_app: Flask) -> str:
    return str(web_app.config["STRIPE_CONNECT_WEBHOOK_SECRET"])


def onboard_started(client: FlaskClient, user: User, stripe_sim: StripeSimulator) -> str:
    """``user`` signs in on ``client`` and starts setting up; returns the Stripe account id."""
    log_in(client, user)
    response = client.post("/account/payouts", data={"country": "US"})
    assert response.status_code == 303
    (account,) = [a for a in stripe_sim.objects("account") if a["email"] == user.email]
    return str(account["id"])


def row_of(user: User) -> ConnectedAccount:
    db.session.rollback()
    row = db.session.scalar(sa.select(ConnectedAccount).where(ConnectedAccount.user_id == user.id))
    assert row is not None
    return row


def snapshot(row: ConnectedAccount) -> tuple[Any, ...]:
    return (
        row.stripe_account_id,
        row.details_submitted,
        row.transfers_active,
        row.payouts_enabled,
        row.requirements_due,
        row.disabled_reason,
        row.deauthorized_at,
        row.last_synced_at,
    )


def account_event(account: dict[str, Any], **changes: Any) -> dict[str, Any]:
    obj = {**account, **changes}
    return {**event_about("account.updated", obj), "account": account["id"]}


def ready(account: dict[str, Any]) -> dict[str, Any]:
    return {
        **account,
        "details_submitted": True,
        "payouts_enabled": True,
        "capabilities": {"transfers": "active"},
        "requirements": {**account["requirements"], "currently_due": [], "disabled_reason": None},
    }


def test_account_updated_applies_the_accounts_state_at_stripe(
    client: FlaskClient, stripe_sim: StripeSimulator, connect_secret: str
) -> None:
    user = make_user("ada")
    account_id = onboard_started(client, user, stripe_sim)

    stripe_sim.request_information(account_id, ["external_account"])  # account.updated

    row = row_of(user)
    assert row.stripe_account_id == account_id and not row.transfers_active
    assert row.requirements_due == "external_account"
    page = client.get("/account/payouts").get_data(as_text=True)
    assert "Details needed: a bank account for payouts" in page

    stripe_sim.complete_onboarding(account_id)

    assert "Ready to receive payouts" in client.get("/account/payouts").get_data(as_text=True)
    assert transfers_ready(user.id)


def test_replayed_event_is_applied_once(
    client: FlaskClient, stripe_sim: StripeSimulator, connect_secret: str
) -> None:
    user = make_user("ada")
    account_id = onboard_started(client, user, stripe_sim)
    stripe_sim.complete_onboarding(account_id)
    (became_ready,) = delivered(stripe_sim, "account.updated")
    stripe_sim.request_information(account_id, ["individual.verification.document"])
    before = snapshot(row_of(user))

    replay = post_event(client, became_ready, connect_secret, CONNECT_PATH)

    assert replay.status_code == 200 and replay.json["outcome"] == "duplicate"
    assert snapshot(row_of(user)) == before and not row_of(user).transfers_active
    assert stripe_event_count() == 2


def test_an_older_event_delivered_late_leaves_a_ready_account_ready(
    client: FlaskClient, stripe_sim: StripeSimulator, connect_secret: str
) -> None:
    user = make_user("ada")
    account_id = onboard_started(client, user, stripe_sim)
    (details_due,) = stripe_sim.objects("account")
    stripe_sim.complete_onboarding(account_id)  # the newer event: ready
    assert transfers_ready(user.id)
    older = {**account_event(details_due), "created": int(time.time()) - 3600}

    late = post_event(client, older, connect_secret, CONNECT_PATH)

    assert late.status_code == 200
    assert transfers_ready(user.id) and row_of(user).state == PayoutState.READY
    assert "Ready to receive payouts" in client.get("/account/payouts").get_data(as_text=True)


def test_an_event_whose_account_is_not_its_objects_is_ignored(
    client: FlaskClient, stripe_sim: StripeSimulator, connect_secret: str
) -> None:
    user = make_user("ada")
    account_id = onboard_started(client, user, stripe_sim)
    deliver, stripe_sim.deliver = stripe_sim.deliver, lambda *delivery: None
    stripe_sim.complete_onboarding(account_id)  # ready at Stripe; its own event is lost
    stripe_sim.deliver = deliver
    before = snapshot(row_of(user))
    (account,) = stripe_sim.objects("account")
    foreign = {**event_about("account.updated", account), "account": "acct_1SomeoneElse"}

    response = post_event(client, foreign, connect_secret, CONNECT_PATH)

    assert response.status_code == 200 and response.json["outcome"].startswith("ignored")
    assert snapshot(row_of(user)) == before and not transfers_ready(user.id)


def test_deauthorized_event_disconnects_the_account_once(
    client: FlaskClient, stripe_sim: StripeSimulator, connect_secret: str
) -> None:
    user = make_user("ada")
    account_id = onboard_started(client, user, stripe_sim)
    stripe_sim.complete_onboarding(account_id)
    assert transfers_ready(user.id)
    application = {"id": "ca_simulated_platform", "object": "application"}
    event = {**event_about("account.application.deauthorized", application), "account": account_id}

    first = post_event(client, event, connect_secret, CONNECT_PATH)
    again = post_event(
        client, {**event, "id": "evt_another_delivery"}, connect_secret, CONNECT_PATH
    )
    late_update = post_event(
        client, account_event(ready(stripe_sim.objects("account")[0])), connect_secret, CONNECT_PATH
    )

    assert first.json["outcome"] == "account disconnected"
    assert again.json["outcome"] == "already disconnected"
    assert late_update.json["outcome"] == "account updated (disconnected)"
    row = row_of(user)
    assert row.deauthorized_at is not None and not row.transfers_active
    assert not transfers_ready(user.id)
    assert "Disconnected: you removed" in client.get("/account/payouts").get_data(as_text=True)


@pytest.mark.parametrize("event_type", ["account.updated", "account.application.deauthorized"])
def test_event_for_an_unknown_account_is_acknowledged_and_changes_nothing(
    client: FlaskClient, stripe_sim: StripeSimulator, connect_secret: str, event_type: str
) -> None:
    user = make_user("ada")
    onboard_started(client, user, stripe_sim)
    (account,) = stripe_sim.objects("account")
    before = snapshot(row_of(user))
    stranger = ready({**account, "id": "acct_1NotOneOfOurs"})
    event = {**event_about(event_type, stranger), "account": "acct_1NotOneOfOurs"}

    response = post_event(client, event, connect_secret, CONNECT_PATH)

    assert response.status_code == 200
    assert response.json == {"received": True, "outcome": "ignored: unknown account"}
    assert snapshot(row_of(user)) == before
    assert not transfers_ready(user.id)


def test_forged_connect_event_is_refused_and_changes_nothing(
    client: FlaskClient, stripe_sim: StripeSimulator, connect_secret: str, web_app: Flask
) -> None:
    user = make_user("ada")
    onboard_started(client, user, stripe_sim)
    (account,) = stripe_sim.objects("account")
    before = snapshot(row_of(user))
    event = account_event(ready(account))
    payload, good = signed(event, connect_secret)
    _, platform = signed(event, str(web_app.config["STRIPE_WEBHOOK_SECRET"]))
    _, foreign = signed(event, "whsec_someone_else")
    tampered = payload.replace(b'"payouts_enabled": true', b'"payouts_enabled": false')
    json_type = {"Content-Type": "application/json"}

    for body, signature in ((payload, platform), (payload, foreign), (tampered, good)):
        refused = client.post(
            CONNECT_PATH, data=body, headers={"Stripe-Signature": signature, **json_type}
        )
        assert refused.status_code == 400 and refused.json == {"error": "invalid signature"}
    on_platform_endpoint = post_event(client, event, str(web_app.config["STRIPE_WEBHOOK_SECRET"]))

    assert on_platform_endpoint.json["outcome"] == "ignored: not handled"
    assert snapshot(row_of(user)) == before and not transfers_ready(user.id)
    assert db.session.scalar(sa.select(StripeEvent.endpoint)) == "platform"


# Who may reach which payout page. The owner's account exists on the simulator; "stranger" is
# any other signed-in user, "admin" a platform admin who has no payout account of their own.
ROUTES = [
    ("GET", "/account/payouts"),
    ("POST", "/account/payouts"),
    ("GET", "/account/payouts/return"),
    ("GET", "/account/payouts/refresh"),
    ("GET", "/payments/simulated/onboarding/{account}"),
    ("POST", "/payments/simulated/onboarding/{account}"),
]
EXPECTED = {
    "anonymous": [302, 302, 302, 302, 302, 302],
    "owner": [200, 303, 302, 303, 200, 302],
    "stranger": [200, 303, 302, 302, 404, 404],
    "admin": [200, 303, 302, 302, 404, 404],
}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("route", range(len(ROUTES)), ids=[f"{m} {p}" for m, p in ROUTES])
def test_payout_pages_permission_matrix(
    web_app: Flask, stripe_sim: StripeSimulator, role: str, route: int
) -> None:
    owner = make_user("owner")
    account_id = onboard_started(web_app.test_client(), owner, stripe_sim)
    before = snapshot(row_of(owner))
    visitor = web_app.test_client()
    if role != "anonymous":
        user = owner if role == "owner" else make_user(role, admin=role == "admin")
        log_in(visitor, user)
    method, path = ROUTES[route]

    response = visitor.open(path.format(account=account_id), method=method)

    assert response.status_code == EXPECTED[role][route]
    if role == "anonymous":
        assert response.location.startswith("/login")
    if role != "owner":  # nobody else's request touches the owner's account
        assert snapshot(row_of(owner)) == before
        assert len(stripe_sim.objects("account")) == (
            2 if route == 1 and role != "anonymous" else 1
        )
    if role == "stranger" and method == "GET" and route == 0:
        assert "Not set up" in response.get_data(as_text=True)

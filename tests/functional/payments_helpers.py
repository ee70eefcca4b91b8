"""Shared pieces of the funding and webhook tests: sponsors, the simulator on two transports."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from accounts.models import User
from challenges.models import Challenge
from core.db import db
from payments.gateway import EXTENSION_KEY
from payments.models import Funding, LedgerEntry, LedgerKind, StripeEvent
from payments.simulator import StripeSimulator, sign_payload
from tests.conftest import AuthActions
from tests.factories import make_challenge, make_org, make_user

PLATFORM_PATH = "/payments/webhooks/stripe"
CONNECT_PATH = "/payments/webhooks/stripe-connect"
# 5 % of $10,000.10 is $500.005: rounded half up, the fee is $500.01.
PURSE = 1_000_010
FEE = 50_001
MakeApp = Callable[..., Flask]


@dataclass
class Site:
    """The app under test, a browser-like client for it and the simulated Stripe behind it."""

    app: Flask
    client: FlaskClient
    simulator: StripeSimulator

    @property
    def webhook_secret(self) -> str:
        return str(self.app.config["STRIPE_WEBHOOK_SECRET"])

    @property
    def connect_secret(self) -> str:
        return str(self.app.config["STRIPE_CONNECT_WEBHOOK_SECRET"])

    def sessions(self) -> list[dict[str, Any]]:
        return self.simulator.objects("checkout.session")

    def new_client(self) -> FlaskClient:
        return self.app.test_client()


def run_cli(site: Site, *args: str) -> Result:
    """Run ``flask <args>`` against the site's app.

    ``with_appcontext`` reuses whatever app context is current, and the test already holds the
    session app's, whose gateway has another simulator: the site's context must be pushed.
    """
    with site.app.app_context():
        return site.app.test_cli_runner().invoke(args=list(args))


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()


@contextmanager
def in_process_site(make_app: MakeApp) -> Iterator[Site]:
    """A fresh app whose gateway reaches its own in-memory simulator without a socket.

    Fresh per test: ids restart when tables are emptied, so a simulator that outlived a test
    would answer ``funding:1:checkout:1`` with the previous test's session.
    """
    app = make_app(STRIPE_MAX_NETWORK_RETRIES=2)
    try:
        yield Site(app, app.test_client(), app.extensions[EXTENSION_KEY].simulator)
    finally:
        _dispose(app)


@contextmanager
def loopback_site(make_app: MakeApp) -> Iterator[Site]:
    """An app configured as for real Stripe, pointed at a simulator served on 127.0.0.1."""
    holder: dict[str, Flask] = {}

    def deliver(endpoint: str, payload: bytes, signature: str) -> None:
        path = CONNECT_PATH if endpoint == "connect" else PLATFORM_PATH
        response = (
            holder["app"]
            .test_client()
            .post(
                path,
                data=payload,
                headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
            )
        )
        response.close()  # sent: the webhook's deferred work runs
        if response.status_code != 200:
            raise RuntimeError(f"webhook answered {response.status_code}")

    simulator = StripeSimulator(
        webhook_secret="whsec_loopback_platform",
        connect_webhook_secret="whsec_loopback_connect",
        deliver=deliver,
        hosted_base="https://checkout.stripe.test",
    )
    server = make_server("127.0.0.1", 0, simulator.wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    app = make_app(
        STRIPE_SECRET_KEY="sk_test_x",
        STRIPE_API_BASE=f"http://127.0.0.1:{server.server_port}",
        STRIPE_WEBHOOK_SECRET="whsec_loopback_platform",
        STRIPE_CONNECT_WEBHOOK_SECRET="whsec_loopback_connect",
        STRIPE_MAX_NETWORK_RETRIES=0,
    )
    holder["app"] = app
    try:
        assert not app.extensions[EXTENSION_KEY].simulated
        yield Site(app, app.test_client(), simulator)
    finally:
        server.shutdown()
        thread.join()
        simulator.store.close()
        _dispose(app)


def sponsor_with_approved_challenge(title: str = "Tidal Energy Prize") -> tuple[User, Challenge]:
    """An owner and their approved, unfunded (so unpublished) challenge with a $10,000.10 purse."""
    owner = make_user()
    org = make_org(owner=owner)
    challenge = make_challenge(
        org, title=title, published=False, review_state="approved", tiers=[("Winner", PURSE)]
    )
    return owner, challenge


def log_in(client: FlaskClient, user: User) -> None:
    response = AuthActions(client).login(user.email)
    assert response.status_code == 302, "the sponsor could not sign in"


def start_funding(client: FlaskClient, challenge: Challenge) -> TestResponse:
    return client.post(f"/challenges/{challenge.slug}/fund")


def session_id_of(response: TestResponse) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response.headers["Location"].rsplit("/", 1)[1]


def fundings_of(challenge: Challenge) -> list[Funding]:
    """The challenge's fundings as committed by other requests (the test session starts over)."""
    db.session.rollback()
    return list(
        db.session.scalars(
            sa.select(Funding).where(Funding.challenge_id == challenge.id).order_by(Funding.id)
        )
    )


def only_funding(challenge: Challenge) -> Funding:
    fundings = fundings_of(challenge)
    assert len(fundings) == 1, f"expected one funding row, found {len(fundings)}"
    return fundings[0]


def ledger_of(challenge: Challenge) -> dict[str, list[int]]:
    db.session.rollback()
    entries = db.session.scalars(
        sa.select(LedgerEntry).where(LedgerEntry.challenge_id == challenge.id)
    )
    found: dict[str, list[int]] = {}
    for entry in entries:
        found.setdefault(LedgerKind(entry.kind).value, []).append(entry.amount)
    return found


def stripe_event_count() -> int:
    db.session.rollback()
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(StripeEvent)) or 0)


def reloaded(challenge: Challenge) -> Challenge:
    db.session.rollback()
    fresh = db.session.get(Challenge, challenge.id)
    assert fresh is not None
    return fresh


def signed(event: dict[str, Any], secret: str) -> tuple[bytes, str]:
    payload = json.dumps(event).encode()
    return payload, sign_payload(payload, secret, int(time.time()))


def post_event(
    client: FlaskClient, event: dict[str, Any], secret: str, path: str = PLATFORM_PATH
) -> TestResponse:
    payload, signature = signed(event, secret)
    response = client.post(
        path,
        data=payload,
        headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
    )
    response.get_data()
    response.close()  # sent, as a server would: what the webhook deferred runs now
    return response


def event_about(event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
    """An event as Stripe would send it, with a fresh id."""
    return {
        "id": f"evt_{secrets.token_hex(12)}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def delivered(simulator: StripeSimulator, event_type: str) -> list[dict[str, Any]]:
    return [event for event in simulator.events() if event["type"] == event_type]


def drain_faults(simulator: StripeSimulator, path: str) -> None:
    """Use up injected POST faults on ``path`` with requests the simulator refuses anyway."""
    for _ in range(100):
        try:
            _, status, _ = simulator.dispatch(
                "POST",
                f"https://api.stripe.com{path}",
                {"Authorization": "Bearer sk_test_drain"},
                "",
            )
        except ConnectionError:  # a dropped connection uses up a fault too
            continue
        if status < 500:
            return
    raise AssertionError("the injected faults never ran out")


def fund_and_pay(site: Site, owner: User, challenge: Challenge) -> str:
    """The sponsor pays the purse through Checkout; returns the Checkout Session id."""
    log_in(site.client, owner)
    session_id = session_id_of(start_funding(site.client, challenge))
    site.simulator.complete_checkout(session_id)
    return session_id

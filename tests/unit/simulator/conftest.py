"""Fixtures: a simulator per test, reached through the stripe SDK in-process or over loopback."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import stripe
from werkzeug.serving import make_server

from payments.simulator import StripeSimulator

API_KEY = "sk_test_simulator"
PLATFORM_SECRET = "whsec_test_platform"
CONNECT_SECRET = "whsec_test_connect"
SECRETS = {"platform": PLATFORM_SECRET, "connect": CONNECT_SECRET}


class SimulatorHTTPClient(stripe.HTTPClient):
    """A stripe SDK HTTP client that hands each request to the simulator, with no socket.

    ``dispatch`` raises ``ConnectionError`` for a dropped connection; the SDK expects
    ``APIConnectionError`` (retryable) for network failures, so it is translated here.
    """

    name = "openprize-simulator"

    def __init__(self, simulator: StripeSimulator) -> None:
        super().__init__()
        self._simulator = simulator

    def request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        *,
        _usage: list[str] | None = None,
    ) -> tuple[bytes, int, Mapping[str, str]]:
        try:
            return self._simulator.dispatch(method, url, dict(headers or {}), post_data)
        except ConnectionError as exc:
            raise stripe.APIConnectionError(
                f"Network error talking to the Stripe simulator: {exc}", should_retry=True
            ) from exc

    def request_stream(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        post_data: Any = None,
        *,
        _usage: list[str] | None = None,
    ) -> tuple[Any, int, Mapping[str, str]]:
        body, status, response_headers = self.request(method, url, headers, post_data)
        return io.BytesIO(body), status, response_headers

    def close(self) -> None:
        pass

    def _sleep_time_seconds(self, num_retries: int) -> float:
        return 0.0  # the simulator needs no back-off; keeps retrying tests fast


@dataclass
class Inbox:
    """Webhook deliveries as the receiving endpoint saw them."""

    deliveries: list[tuple[str, bytes, str]] = field(default_factory=list)
    fail: bool = False

    def __call__(self, endpoint: str, payload: bytes, signature: str) -> None:
        self.deliveries.append((endpoint, payload, signature))
        if self.fail:
            raise RuntimeError("receiver is down")

    def verified(self, endpoint: str | None = None) -> list[stripe.Event]:
        """Every delivery checked with the SDK's own signature verification."""
        return [
            stripe.Webhook.construct_event(payload, signature, SECRETS[kind])
            for kind, payload, signature in self.deliveries
            if endpoint is None or kind == endpoint
        ]

    def types(self, endpoint: str | None = None) -> list[str]:
        return [event.type for event in self.verified(endpoint)]


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000

    def __call__(self) -> int:
        return self.now


class _Forwarder:
    """The loopback server's app: forwards to whichever simulator the current test made."""

    target: StripeSimulator | None = None

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        assert self.target is not None
        return self.target.wsgi_app(environ, start_response)


@pytest.fixture(scope="session")
def loopback() -> Iterator[tuple[str, _Forwarder]]:
    forwarder = _Forwarder()
    server = make_server("127.0.0.1", 0, forwarder, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", forwarder
    server.shutdown()
    thread.join()


@pytest.fixture
def served(simulator: StripeSimulator, loopback: tuple[str, _Forwarder]) -> str:
    """The base URL at which this test's simulator answers on the loopback interface."""
    url, forwarder = loopback
    forwarder.target = simulator
    return url


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def simulator(inbox: Inbox, clock: Clock) -> Iterator[StripeSimulator]:
    sim = StripeSimulator(
        webhook_secret=PLATFORM_SECRET,
        connect_webhook_secret=CONNECT_SECRET,
        deliver=inbox,
        hosted_base="http://openprize.test",
        clock=clock,
    )
    yield sim
    sim.store.close()


@pytest.fixture(params=["in_process", "loopback"])
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_client(
    simulator: StripeSimulator, transport: str, request: pytest.FixtureRequest
) -> Callable[..., stripe.StripeClient]:
    """StripeClient factory for this test's transport; no SDK retries unless asked."""

    def factory(api_key: str = API_KEY, max_network_retries: int = 0) -> stripe.StripeClient:
        if transport == "in_process":
            return stripe.StripeClient(
                api_key,
                http_client=SimulatorHTTPClient(simulator),
                max_network_retries=max_network_retries,
            )
        url = request.getfixturevalue("served")
        return stripe.StripeClient(
            api_key,
            base_addresses={"api": url, "connect": url},
            max_network_retries=max_network_retries,
        )

    return factory


@pytest.fixture
def client(make_client: Callable[..., stripe.StripeClient]) -> stripe.StripeClient:
    return make_client()


def session_params(amount: int = 10_000, **extra: Any) -> dict[str, Any]:
    """Checkout Session params shaped as the funding flow sends them."""
    return {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "usd",
                    "unit_amount": amount,
                    "product_data": {"name": "Prize purse"},
                },
            }
        ],
        "success_url": "http://openprize.test/funded",
        "cancel_url": "http://openprize.test/fund",
        "client_reference_id": "funding-1",
        "metadata": {"funding_id": "1"},
        "payment_intent_data": {"transfer_group": "challenge_1", "metadata": {"funding_id": "1"}},
        **extra,
    }


@pytest.fixture
def paid_charge(client: stripe.StripeClient, simulator: StripeSimulator) -> stripe.Charge:
    """A $100.00 charge from a completed Checkout Session in transfer group ``challenge_1``."""
    session = client.v1.checkout.sessions.create(session_params())
    simulator.complete_checkout(session.id)
    intent_id = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    assert isinstance(intent_id, str)
    charge_id = client.v1.payment_intents.retrieve(intent_id).latest_charge
    assert isinstance(charge_id, str)
    return client.v1.charges.retrieve(charge_id)


@pytest.fixture
def active_account(client: stripe.StripeClient, simulator: StripeSimulator) -> stripe.Account:
    account = client.v1.accounts.create(
        {"type": "express", "country": "US", "capabilities": {"transfers": {"requested": True}}}
    )
    simulator.complete_onboarding(account.id)
    return client.v1.accounts.retrieve(account.id)

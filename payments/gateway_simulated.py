"""The gateway on the in-process Stripe simulator: the SDK's HTTP requests go straight to the
simulator, and its webhook events through the app's real webhook endpoints."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from flask import Flask

from payments.gateway import PaymentGateway
from payments.install import install_id
from payments.stripe_sdk import stripe


def simulated_gateway(app: Flask) -> PaymentGateway:
    """The gateway for ``app`` when no Stripe secret key is configured."""
    from payments.simulator import StripeSimulator

    config = app.config
    webhook_secret = config["STRIPE_WEBHOOK_SECRET"]
    connect_secret = config["STRIPE_CONNECT_WEBHOOK_SECRET"]
    store = config["STRIPE_SIMULATOR_STORE"] or None
    simulator = StripeSimulator(
        store_path=store,
        webhook_secret=webhook_secret,
        connect_webhook_secret=connect_secret,
        deliver=_in_process_delivery(app),
        hosted_base=config.get("BASE_URL", ""),
    )
    retries = config["STRIPE_MAX_NETWORK_RETRIES"]
    return PaymentGateway(
        lambda: stripe.StripeClient(
            "sk_test_simulated",
            http_client=_simulator_http_client()(simulator),
            max_network_retries=retries,
        ),
        webhook_secret=webhook_secret,
        connect_webhook_secret=connect_secret,
        simulator=simulator,
        key_prefix=install_id,
    )


@cache
def _simulator_http_client() -> type[stripe.HTTPClient]:
    """The SDK's HTTP client class for the simulator (defined once the SDK is imported)."""

    class SimulatorHTTPClient(_SimulatorHTTPClient, stripe.HTTPClient):
        pass

    return SimulatorHTTPClient


class _SimulatorHTTPClient:
    """Hands the SDK's HTTP requests straight to the in-process simulator: no socket."""

    name = "openprize-simulator"

    def __init__(self, simulator: Any) -> None:
        super().__init__()
        self._simulator = simulator

    def request(
        self, method: str, url: str, headers: Any, post_data: Any = None, *, _usage: Any = None
    ) -> tuple[str, int, dict[str, str]]:
        try:
            body, status, response_headers = self._simulator.dispatch(
                method, url, dict(headers or {}), post_data
            )
        except ConnectionError as error:
            raise stripe.APIConnectionError(str(error), should_retry=True) from error
        text = body.decode() if isinstance(body, bytes) else body
        return text, status, dict(response_headers)

    def request_stream(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("streaming is not used")

    def close(self) -> None:
        return None

    def _sleep_time_seconds(self, num_retries: int) -> float:
        return 0.0  # nothing is on the wire: retry at once


def _in_process_delivery(app: Flask) -> Any:
    """Deliver simulator events through the app's real webhook endpoints.

    Each delivery runs in its own thread so it gets its own app context and database session,
    exactly as a request from Stripe would; the caller waits for it (and for the work the
    webhook left for after its response), as Stripe's order of events (webhook before or
    after the API response) is then deterministic for tests.
    """
    paths = {
        "platform": "/payments/webhooks/stripe",
        "connect": "/payments/webhooks/stripe-connect",
    }

    def deliver(endpoint: str, payload: bytes, signature: str) -> None:
        outcome: dict[str, int] = {}

        def post() -> None:
            response = app.test_client().post(
                paths[endpoint],
                data=payload,
                headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
            )
            outcome["status"] = response.status_code
            response.close()  # the response is "sent": what the webhook deferred runs now

        thread = threading.Thread(target=post, name="stripe-sim-webhook")
        thread.start()
        thread.join(timeout=30)
        if outcome.get("status") != 200:
            raise RuntimeError(f"webhook delivery answered {outcome.get('status')}")

    return deliver

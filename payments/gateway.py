"""The Stripe gateway: the only module that imports ``stripe``. Real keys or the simulator."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

import stripe
from flask import Flask, current_app

EXTENSION_KEY = "payments.gateway"


class GatewayError(Exception):
    """Stripe refused or could not be reached. ``definite`` is False when the outcome is unknown
    (network error, timeout, 5xx, 429): the same call may be retried with the same key."""

    def __init__(self, message: str, *, definite: bool, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.definite = definite
        self.code = code


class SignatureInvalid(Exception):
    """A webhook whose signature does not verify against the endpoint's secret."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: str
    payment_status: str
    amount_total: int
    currency: str
    payment_intent: str | None


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str
    amount: int


def _as_dict(obj: Any) -> dict[str, Any]:
    return obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)


def _translate(error: stripe.StripeError) -> GatewayError:
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError):
        return GatewayError(str(error.user_message or error), definite=False)
    status = getattr(error, "http_status", None) or 0
    if isinstance(error, stripe.APIError) or status >= 500:
        return GatewayError(str(error.user_message or error), definite=False)
    return GatewayError(
        str(error.user_message or error), definite=True, code=str(getattr(error, "code", "") or "")
    )


class _SimulatorHTTPClient(stripe.HTTPClient):
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


class PaymentGateway:
    """Every Stripe call the app makes, with idempotency keys supplied by the caller."""

    def __init__(
        self,
        client: stripe.StripeClient,
        *,
        webhook_secret: str,
        connect_webhook_secret: str,
        simulator: Any = None,
    ) -> None:
        self.client = client
        self.webhook_secret = webhook_secret
        self.connect_webhook_secret = connect_webhook_secret
        self.simulator = simulator

    @property
    def simulated(self) -> bool:
        return self.simulator is not None

    def create_checkout_session(
        self,
        *,
        idempotency_key: str,
        currency: str,
        purse_amount: int,
        fee_amount: int,
        title: str,
        transfer_group: str,
        success_url: str,
        cancel_url: str,
        metadata: dict[str, str],
        customer_email: str | None = None,
    ) -> CheckoutSession:
        line_items: list[dict[str, Any]] = [
            {
                "price_data": {
                    "currency": currency.lower(),
                    "unit_amount": purse_amount,
                    "product_data": {"name": f"Prize purse: {title}"[:250]},
                },
                "quantity": 1,
            }
        ]
        if fee_amount:
            line_items.append(
                {
                    "price_data": {
                        "currency": currency.lower(),
                        "unit_amount": fee_amount,
                        "product_data": {"name": "OpenPrize platform fee"},
                    },
                    "quantity": 1,
                }
            )
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": line_items,
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": metadata.get("funding_id", ""),
            "metadata": metadata,
            "payment_intent_data": {"transfer_group": transfer_group, "metadata": metadata},
        }
        if customer_email:
            params["customer_email"] = customer_email
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as error:
            raise _translate(error) from error
        return self._session(session)

    def retrieve_checkout_session(self, session_id: str) -> CheckoutSession:
        try:
            return self._session(self.client.v1.checkout.sessions.retrieve(session_id))
        except stripe.StripeError as error:
            raise _translate(error) from error

    def expire_checkout_session(self, session_id: str) -> None:
        try:
            self.client.v1.checkout.sessions.expire(session_id)
        except stripe.StripeError as error:
            raise _translate(error) from error

    @staticmethod
    def _session(session: Any) -> CheckoutSession:
        data = _as_dict(session)
        intent = data.get("payment_intent")
        return CheckoutSession(
            id=data["id"],
            url=data.get("url") or "",
            status=data.get("status") or "",
            payment_status=data.get("payment_status") or "",
            amount_total=int(data.get("amount_total") or 0),
            currency=(data.get("currency") or "").upper(),
            payment_intent=intent if isinstance(intent, str) or intent is None else intent["id"],
        )

    def charge_for_payment_intent(self, payment_intent_id: str) -> str | None:
        try:
            intent = _as_dict(self.client.v1.payment_intents.retrieve(payment_intent_id))
        except stripe.StripeError as error:
            raise _translate(error) from error
        charge = intent.get("latest_charge")
        return charge if isinstance(charge, str) or charge is None else charge["id"]

    def create_refund(
        self, *, idempotency_key: str, payment_intent: str, amount: int, metadata: dict[str, str]
    ) -> RefundResult:
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": payment_intent, "amount": amount, "metadata": metadata},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise _translate(error) from error
        data = _as_dict(refund)
        return RefundResult(
            id=data["id"], status=data.get("status", ""), amount=int(data["amount"])
        )

    def verify_event(
        self, payload: bytes, signature: str, *, connect: bool = False
    ) -> dict[str, Any]:
        """The event in ``payload`` if its signature verifies; raises ``SignatureInvalid``."""
        secret = self.connect_webhook_secret if connect else self.webhook_secret
        try:
            stripe.WebhookSignature.verify_header(
                payload.decode("utf-8"), signature, secret, tolerance=300
            )
            return json.loads(payload)
        except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as error:
            raise SignatureInvalid(str(error)) from error


def gateway() -> PaymentGateway:
    return current_app.extensions[EXTENSION_KEY]


def init_gateway(app: Flask) -> None:
    """Build the gateway from config: real Stripe, a base URL override, or the simulator."""
    config = app.config
    secret_key = config["STRIPE_SECRET_KEY"]
    webhook_secret = config["STRIPE_WEBHOOK_SECRET"]
    connect_secret = config["STRIPE_CONNECT_WEBHOOK_SECRET"]
    if secret_key:
        options: dict[str, Any] = {"max_network_retries": config["STRIPE_MAX_NETWORK_RETRIES"]}
        if config["STRIPE_API_BASE"]:
            base = config["STRIPE_API_BASE"].rstrip("/")
            options["base_addresses"] = {"api": base, "connect": base}
        client = stripe.StripeClient(secret_key, **options)
        app.extensions[EXTENSION_KEY] = PaymentGateway(
            client, webhook_secret=webhook_secret, connect_webhook_secret=connect_secret
        )
        return
    from payments.simulator import StripeSimulator

    store = config["STRIPE_SIMULATOR_STORE"] or None
    simulator = StripeSimulator(
        store_path=store,
        webhook_secret=webhook_secret,
        connect_webhook_secret=connect_secret,
        deliver=_in_process_delivery(app),
        hosted_base=config.get("BASE_URL", ""),
    )
    client = stripe.StripeClient(
        "sk_test_simulated",
        http_client=_SimulatorHTTPClient(simulator),
        max_network_retries=config["STRIPE_MAX_NETWORK_RETRIES"],
    )
    app.extensions[EXTENSION_KEY] = PaymentGateway(
        client,
        webhook_secret=webhook_secret,
        connect_webhook_secret=connect_secret,
        simulator=simulator,
    )


def _in_process_delivery(app: Flask) -> Any:
    """Deliver simulator events through the app's real webhook endpoints.

    Each delivery runs in its own thread so it gets its own app context and database session,
    exactly as a request from Stripe would; the caller waits for it, as Stripe's order of
    events (webhook before or after the API response) is then deterministic for tests.
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

        thread = threading.Thread(target=post, name="stripe-sim-webhook")
        thread.start()
        thread.join(timeout=30)
        if outcome.get("status") != 200:
            raise RuntimeError(f"webhook delivery answered {outcome.get('status')}")

    return deliver

"""The Stripe gateway: every Stripe call the app makes, with real keys or the simulator.

The SDK is imported, and the client built, at the gateway's first Stripe call: most web
workers never make one, and the SDK weighs about 7 MB a process."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from payments.gateway_types import (
    CheckoutSession,
    ConnectAccountState,
    GatewayError,
    RefundResult,
    SignatureInvalid,
    TransferResult,
    _as_dict,
    _refund,
    _transfer,
    connect_account_state,
)
from payments.install import install_id
from payments.stripe_sdk import stripe

EXTENSION_KEY = "payments.gateway"


def _translate(error: stripe.StripeError) -> GatewayError:
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError):
        return GatewayError(str(error.user_message or error), definite=False)
    status = getattr(error, "http_status", None) or 0
    if isinstance(error, stripe.APIError) or status >= 500:
        return GatewayError(str(error.user_message or error), definite=False)
    # The SDK leaves ``code`` unset on some classes (PermissionError): read it from the body too.
    body_error = getattr(error, "error", None)
    code = getattr(error, "code", None) or getattr(body_error, "code", None) or ""
    return GatewayError(str(error.user_message or error), definite=True, code=str(code))


class PaymentGateway:
    """Every Stripe call the app makes, with idempotency keys supplied by the caller; each is
    sent as ``<install id>:<key>`` (``key_prefix``), so installs sharing a Stripe account, or a
    database made again, never replay each other's answers."""

    def __init__(
        self,
        client: Callable[[], stripe.StripeClient],
        *,
        webhook_secret: str,
        connect_webhook_secret: str,
        simulator: Any = None,
        key_prefix: Callable[[], str] | None = None,
    ) -> None:
        self._make_client = client
        self._client: stripe.StripeClient | None = None
        self._building = threading.Lock()
        self.webhook_secret = webhook_secret
        self.connect_webhook_secret = connect_webhook_secret
        self.simulator = simulator
        self.key_prefix = key_prefix

    @property
    def client(self) -> stripe.StripeClient:
        """The SDK client, built (and the SDK imported) at the first call."""
        if self._client is None:
            with self._building:
                if self._client is None:
                    self._client = self._make_client()
        return self._client

    def full_key(self, key: str, *, as_first_sent: bool = False) -> str:
        """The idempotency key as Stripe sees it; ``as_first_sent``: a key first sent before
        the install had an id, which must reach Stripe unchanged."""
        if as_first_sent or self.key_prefix is None:
            return key
        return f"{self.key_prefix()}:{key}"

    def _options(self, key: str, as_first_sent: bool = False) -> dict[str, str]:
        return {"idempotency_key": self.full_key(key, as_first_sent=as_first_sent)}

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
                params=params, options=self._options(idempotency_key)
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
        self,
        *,
        idempotency_key: str,
        payment_intent: str,
        amount: int,
        metadata: dict[str, str],
        key_as_first_sent: bool = False,
    ) -> RefundResult:
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": payment_intent, "amount": amount, "metadata": metadata},
                options=self._options(idempotency_key, key_as_first_sent),
            )
        except stripe.StripeError as error:
            raise _translate(error) from error
        return _refund(refund)

    def create_connected_account(
        self,
        *,
        country: str,
        email: str,
        idempotency_key: str,
        metadata: dict[str, str] | None = None,
        recipient: bool = False,
    ) -> ConnectAccountState:
        """An Express account that can receive transfers. ``recipient`` (an account outside the
        platform's country) takes Stripe's recipient service agreement, as cross-border
        payouts require."""
        params: dict[str, Any] = {
            "type": "express",
            "country": country,
            "email": email,
            "capabilities": {"transfers": {"requested": True}},
            "metadata": metadata or {},
        }
        if recipient:
            params["tos_acceptance"] = {"service_agreement": "recipient"}
        try:
            account = self.client.v1.accounts.create(
                params=params, options=self._options(idempotency_key)
            )
        except stripe.StripeError as error:
            raise _translate(error) from error
        return connect_account_state(account)

    def retrieve_connected_account(self, account_id: str) -> ConnectAccountState:
        try:
            return connect_account_state(self.client.v1.accounts.retrieve(account_id))
        except stripe.StripeError as error:
            raise _translate(error) from error

    def create_account_link(self, *, account_id: str, refresh_url: str, return_url: str) -> str:
        """A fresh onboarding URL (links are single-use and expire within minutes)."""
        try:
            link = self.client.v1.account_links.create(
                params={
                    "account": account_id,
                    "refresh_url": refresh_url,
                    "return_url": return_url,
                    "type": "account_onboarding",
                }
            )
        except stripe.StripeError as error:
            raise _translate(error) from error
        return str(_as_dict(link)["url"])

    def create_transfer(
        self,
        *,
        amount: int,
        currency: str,
        destination: str,
        transfer_group: str,
        source_transaction: str | None,
        metadata: dict[str, str],
        idempotency_key: str,
        key_as_first_sent: bool = False,
    ) -> TransferResult:
        """One payout's transfer; the same key (and parameters) on every retry."""
        params: dict[str, Any] = {
            "amount": amount,
            "currency": currency.lower(),
            "destination": destination,
            "transfer_group": transfer_group,
            "metadata": metadata,
        }
        if source_transaction:
            params["source_transaction"] = source_transaction
        try:
            transfer = self.client.v1.transfers.create(
                params=params, options=self._options(idempotency_key, key_as_first_sent)
            )
        except stripe.StripeError as error:
            raise _translate(error) from error
        return _transfer(transfer)

    def find_transfer(self, *, transfer_group: str, payout_id: int) -> TransferResult | None:
        """The transfer of ``transfer_group`` whose ``metadata.payout_id`` is ``payout_id``."""
        found = self._find(
            self.client.v1.transfers, {"transfer_group": transfer_group}, "payout_id", payout_id
        )
        return None if found is None else _transfer(found)

    def find_refund(self, *, payment_intent: str, refund_id: int) -> RefundResult | None:
        """The refund of ``payment_intent`` whose ``metadata.refund_id`` is ``refund_id``."""
        found = self._find(
            self.client.v1.refunds, {"payment_intent": payment_intent}, "refund_id", refund_id
        )
        return None if found is None else _refund(found)

    @staticmethod
    def _find(service: Any, params: dict[str, Any], name: str, value: int) -> dict[str, Any] | None:
        """The listed object whose ``metadata[name]`` is ``value``, whatever key created it."""
        try:
            page = service.list(params={**params, "limit": 100})
            for obj in page.auto_paging_iter():
                data = _as_dict(obj)
                if str((data.get("metadata") or {}).get(name)) == str(value):
                    return data
        except stripe.StripeError as error:
            raise _translate(error) from error
        return None

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
        app.extensions[EXTENSION_KEY] = PaymentGateway(
            lambda: stripe.StripeClient(secret_key, **options),
            webhook_secret=webhook_secret,
            connect_webhook_secret=connect_secret,
            key_prefix=install_id,
        )
        return
    from payments.gateway_simulated import simulated_gateway

    app.extensions[EXTENSION_KEY] = simulated_gateway(app)

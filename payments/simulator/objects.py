"""Endpoint rules for Checkout Sessions, PaymentIntents, Charges and Refunds."""

from __future__ import annotations

from typing import Any

from payments.simulator.events import Context, list_page
from payments.simulator.wire import (
    get_dict,
    get_int,
    get_list,
    get_metadata,
    get_str,
    invalid,
    missing,
    new_id,
    refused,
)

Params = dict[str, Any]
SESSION_LIFETIME = 24 * 3600
MIN_SESSION_LIFETIME = 30 * 60


def _line_items(params: Params) -> tuple[int, str]:
    """Validate ``line_items`` (inline ``price_data`` only) and return (amount_total, currency)."""
    total, currencies = 0, set()
    for index, item in enumerate(get_list(params, "line_items", required=True)):
        at = f"line_items[{index}]"
        if not isinstance(item, dict):
            raise invalid(at, f"Invalid object: {at} must be a hash.")
        quantity = get_int(item, "quantity", f"{at}[quantity]", required=True, minimum=1)
        price = get_dict(item, "price_data", f"{at}[price_data]")
        if not price:
            raise missing(f"{at}[price_data]")
        currency = get_str(price, "currency", f"{at}[price_data][currency]", required=True)
        unit = get_int(price, "unit_amount", f"{at}[price_data][unit_amount]", required=True)
        product = get_dict(price, "product_data", f"{at}[price_data][product_data]")
        get_str(product, "name", f"{at}[price_data][product_data][name]", required=True)
        assert quantity is not None and unit is not None and currency is not None
        total += quantity * unit
        currencies.add(currency.lower())
    if len(currencies) != 1:
        raise invalid("line_items", "All line items must use the same currency.")
    return total, currencies.pop()


def create_checkout_session(ctx: Context, params: Params) -> dict[str, Any]:
    get_str(params, "mode", required=True, choices=["payment"])
    amount, currency = _line_items(params)
    success_url = get_str(params, "success_url", required=True)
    expires_at = get_int(params, "expires_at")
    if expires_at is None:
        expires_at = ctx.now + SESSION_LIFETIME
    elif not ctx.now + MIN_SESSION_LIFETIME <= expires_at <= ctx.now + SESSION_LIFETIME:
        raise invalid("expires_at", "expires_at must be between 30 minutes and 24 hours from now.")
    intent_data = get_dict(params, "payment_intent_data")
    session = ctx.create(
        "checkout.session",
        "cs_test_",
        {
            "mode": "payment",
            "amount_subtotal": amount,
            "amount_total": amount,
            "currency": currency,
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "payment_method_types": ["card"],
            "client_reference_id": get_str(params, "client_reference_id"),
            "customer_email": get_str(params, "customer_email"),
            "customer_details": None,
            "metadata": get_metadata(params),
            "success_url": success_url,
            "cancel_url": get_str(params, "cancel_url"),
            "expires_at": expires_at,
            "_transfer_group": get_str(
                intent_data, "transfer_group", "payment_intent_data[transfer_group]"
            ),
            "_intent_metadata": get_metadata(intent_data),
        },
    )
    session["url"] = f"{ctx.hosted_base}/payments/simulated/checkout/{session['id']}"
    ctx.tx.save("checkout.session", session)
    return session


def load_session(ctx: Context, session_id: str) -> dict[str, Any]:
    """The session, expired first (with its event) if its ``expires_at`` has passed while open."""
    session = ctx.load("checkout.session", session_id)
    if session["status"] == "open" and session["expires_at"] <= ctx.now:
        expire_session(ctx, session)
    return session


def expire_session(ctx: Context, session: dict[str, Any]) -> None:
    if session["status"] != "open":
        raise refused(
            f'Only Checkout Sessions with a status in ["open"] can be expired. This Checkout'
            f' Session has a status of "{session["status"]}".',
            "checkout_session_not_open",
        )
    session["status"] = "expired"
    session["url"] = None
    ctx.tx.save("checkout.session", session)
    ctx.emit("checkout.session.expired", session)


def retrieve_checkout_session(ctx: Context, params: Params, object_id: str) -> dict[str, Any]:
    return load_session(ctx, object_id)


def expire_checkout_session(ctx: Context, params: Params, object_id: str) -> dict[str, Any]:
    session = load_session(ctx, object_id)
    expire_session(ctx, session)
    return session


def retrieve_payment_intent(ctx: Context, params: Params, object_id: str) -> dict[str, Any]:
    return ctx.load("payment_intent", object_id)


def retrieve_charge(ctx: Context, params: Params, object_id: str) -> dict[str, Any]:
    return ctx.load("charge", object_id)


def retrieve_refund(ctx: Context, params: Params, object_id: str) -> dict[str, Any]:
    return ctx.load("refund", object_id)


def list_refunds(ctx: Context, params: Params) -> dict[str, Any]:
    """Newest first, filtered by ``charge`` / ``payment_intent``, cursor-paginated."""
    return list_page(ctx, params, "refund", ("charge", "payment_intent"), "/v1/refunds")


def create_charge(ctx: Context, intent: dict[str, Any]) -> dict[str, Any]:
    """Settle a PaymentIntent with one succeeded card charge."""
    charge = ctx.create(
        "charge",
        "ch_",
        {
            "amount": intent["amount"],
            "amount_captured": intent["amount"],
            "amount_refunded": 0,
            "balance_transaction": new_id("txn_"),
            "captured": True,
            "currency": intent["currency"],
            "disputed": False,
            "metadata": dict(intent["metadata"]),
            "paid": True,
            "payment_intent": intent["id"],
            "refunded": False,
            "status": "succeeded",
            "transfer_group": intent["transfer_group"],
        },
    )
    intent.update(status="succeeded", amount_received=intent["amount"], latest_charge=charge["id"])
    ctx.tx.save("payment_intent", intent)
    return charge


def create_refund(ctx: Context, params: Params) -> dict[str, Any]:
    intent_id = get_str(params, "payment_intent")
    charge_id = get_str(params, "charge")
    if intent_id is None and charge_id is None:
        raise missing("charge")
    if charge_id is None:
        intent = ctx.load("payment_intent", str(intent_id), "payment_intent")
        if not intent["latest_charge"]:
            raise refused(
                f"PaymentIntent {intent['id']} has no successful charge to refund.",
                "payment_intent_unexpected_state",
                "payment_intent",
            )
        charge_id = intent["latest_charge"]
    charge = ctx.load("charge", str(charge_id), "charge")
    if intent_id is not None and charge["payment_intent"] != intent_id:
        raise invalid("charge", f"Charge {charge_id} does not belong to PaymentIntent {intent_id}.")
    remaining = charge["amount"] - charge["amount_refunded"]
    amount = get_int(params, "amount", minimum=1)
    if remaining <= 0:
        raise refused(
            f"Charge {charge['id']} has already been refunded.", "charge_already_refunded"
        )
    if amount is None:
        amount = remaining
    elif amount > remaining:
        raise refused(
            f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining}).",
            "amount_too_large",
            "amount",
        )
    reason = get_str(params, "reason", choices=["duplicate", "fraudulent", "requested_by_customer"])
    refund = ctx.create(
        "refund",
        "re_",
        {
            "amount": amount,
            "balance_transaction": None,
            "charge": charge["id"],
            "currency": charge["currency"],
            "metadata": get_metadata(params),
            "payment_intent": charge["payment_intent"],
            "reason": reason,
            "status": "succeeded",
        },
    )
    previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    ctx.tx.save("charge", charge)
    ctx.emit("charge.refunded", charge, previous=previous)
    ctx.emit("refund.created", refund)
    return refund

"""Endpoint rules for Connect: Express accounts, Account Links and Transfers."""

from __future__ import annotations

from typing import Any

from payments.simulator.events import Context, list_page
from payments.simulator.wire import (
    RequestError,
    get_bool,
    get_dict,
    get_int,
    get_metadata,
    get_str,
    invalid,
    new_id,
    refused,
)

Params = dict[str, Any]
ONBOARDING_DUE = [
    "business_profile.url",
    "external_account",
    "individual.dob.day",
    "individual.first_name",
    "individual.last_name",
    "tos_acceptance.date",
]
LINK_LIFETIME = 300


def _requirements(due: list[str]) -> dict[str, Any]:
    return {
        "current_deadline": None,
        "currently_due": list(due),
        "disabled_reason": "requirements.past_due" if due else None,
        "errors": [],
        "eventually_due": list(due),
        "past_due": list(due),
        "pending_verification": [],
    }


def create_account(ctx: Context, params: Params) -> dict[str, Any]:
    account_type = get_str(params, "type", required=True, choices=["express", "custom", "standard"])
    requested = []
    for name, options in get_dict(params, "capabilities").items():
        wanted = get_dict({name: options}, name, f"capabilities[{name}]")
        if get_bool(wanted, "requested", f"capabilities[{name}][requested]"):
            requested.append(name)
    country = (get_str(params, "country") or "US").upper()
    return ctx.create(
        "account",
        "acct_",
        {
            "type": account_type,
            "business_type": get_str(params, "business_type"),
            "capabilities": dict.fromkeys(requested, "inactive"),
            "charges_enabled": False,
            "country": country,
            "default_currency": {"US": "usd", "GB": "gbp", "CA": "cad", "AU": "aud"}.get(
                country, "eur"
            ),
            "details_submitted": False,
            "email": get_str(params, "email"),
            "metadata": get_metadata(params),
            "payouts_enabled": False,
            "requirements": _requirements(ONBOARDING_DUE),
            "_deauthorized": False,
        },
    )


def load_account(ctx: Context, account_id: str, param: str = "id") -> dict[str, Any]:
    """The account, unless the platform lost access to it (deauthorized)."""
    account = ctx.load("account", account_id, param)
    if account["_deauthorized"]:
        raise RequestError(
            403 if param == "id" else 400,
            f"The provided key does not have access to account '{account_id}' (or that account"
            " does not exist). Application access may have been revoked.",
            code="account_invalid",
            param=param,
        )
    return account


def retrieve_account(ctx: Context, params: Params, object_id: str) -> dict[str, Any]:
    return load_account(ctx, object_id)


def create_account_link(ctx: Context, params: Params) -> dict[str, Any]:
    account_id = get_str(params, "account", required=True)
    get_str(params, "refresh_url", required=True)
    get_str(params, "return_url", required=True)
    get_str(params, "type", required=True, choices=["account_onboarding", "account_update"])
    account = load_account(ctx, str(account_id), "account")
    link_id = new_id("link_")
    base = ctx.hosted_base
    return {
        "object": "account_link",
        "created": ctx.now,
        "expires_at": ctx.now + LINK_LIFETIME,
        "url": f"{base}/payments/simulated/onboarding/{account['id']}?link={link_id}",
    }


def _transferred_from(ctx: Context, charge_id: str) -> int:
    return sum(
        transfer["amount"] - transfer["amount_reversed"]
        for transfer in ctx.tx.all("transfer")
        if transfer["source_transaction"] == charge_id
    )


def create_transfer(ctx: Context, params: Params) -> dict[str, Any]:
    amount = get_int(params, "amount", required=True, minimum=1)
    currency = str(get_str(params, "currency", required=True)).lower()
    destination = load_account(
        ctx, str(get_str(params, "destination", required=True)), "destination"
    )
    source_id = get_str(params, "source_transaction")
    assert amount is not None
    charge = None
    if source_id is not None:
        charge = ctx.load("charge", source_id, "source_transaction")
        if charge["currency"] != currency:
            raise invalid(
                "currency", f"The currency must match the source charge ({charge['currency']})."
            )
    if destination["capabilities"].get("transfers") != "active":
        raise refused(
            "Your destination account needs to have at least one of the following capabilities"
            " enabled: transfers, crypto_transfers, legacy_payments",
            "insufficient_capabilities_for_transfer",
            "destination",
        )
    if charge is not None:
        left = charge["amount"] - charge["amount_refunded"] - _transferred_from(ctx, charge["id"])
        if amount > left:
            raise refused(
                f"Insufficient funds in source transaction {charge['id']}: {left} {currency}"
                f" available, {amount} requested.",
                "balance_insufficient",
                "amount",
            )
    transfer = ctx.create(
        "transfer",
        "tr_",
        {
            "amount": amount,
            "amount_reversed": 0,
            "balance_transaction": new_id("txn_"),
            "currency": currency,
            "description": get_str(params, "description"),
            "destination": destination["id"],
            "destination_payment": new_id("py_"),
            "metadata": get_metadata(params),
            "reversals": {"object": "list", "data": [], "has_more": False, "url": ""},
            "reversed": False,
            "source_transaction": source_id,
            "transfer_group": get_str(params, "transfer_group"),
        },
    )
    transfer["reversals"]["url"] = f"/v1/transfers/{transfer['id']}/reversals"
    ctx.tx.save("transfer", transfer)
    ctx.emit("transfer.created", transfer)
    return transfer


def retrieve_transfer(ctx: Context, params: Params, object_id: str) -> dict[str, Any]:
    return ctx.load("transfer", object_id)


def list_transfers(ctx: Context, params: Params) -> dict[str, Any]:
    """Newest first, filtered by ``transfer_group`` / ``destination``, cursor-paginated."""
    return list_page(ctx, params, "transfer", ("transfer_group", "destination"), "/v1/transfers")

"""What customers, account holders and Stripe itself do: pay, onboard, dispute, reverse."""

from __future__ import annotations

from typing import Any

from payments.simulator.connect import load_account
from payments.simulator.events import Context
from payments.simulator.objects import create_charge, expire_session, load_session
from payments.simulator.wire import RequestError, public

OUTCOMES = ("paid", "async_pending", "async_succeeded", "async_failed")


def _conflict(message: str) -> RequestError:
    return RequestError(400, message, code="simulator_invalid_state")


def _open_intent(ctx: Context, session: dict[str, Any], status: str) -> dict[str, Any]:
    return ctx.create(
        "payment_intent",
        "pi_",
        {
            "amount": session["amount_total"],
            "amount_received": 0,
            "currency": session["currency"],
            "latest_charge": None,
            "metadata": dict(session["_intent_metadata"]),
            "status": status,
            "transfer_group": session["_transfer_group"],
        },
    )


def complete_checkout(ctx: Context, session_id: str, outcome: str = "paid") -> None:
    """Finish a session as the customer would; async outcomes settle a delayed payment later."""
    if outcome not in OUTCOMES:
        raise _conflict(f"Unknown checkout outcome {outcome!r}; use one of {', '.join(OUTCOMES)}.")
    session = load_session(ctx, session_id)
    if outcome in ("paid", "async_pending"):
        if session["status"] != "open":
            raise _conflict(f"Checkout Session {session_id} is {session['status']}, not open.")
        intent = _open_intent(ctx, session, "processing")
        session.update(
            status="complete",
            payment_intent=intent["id"],
            customer_details={"email": session["customer_email"] or "customer@example.com"},
        )
        if outcome == "paid":
            create_charge(ctx, intent)
            session["payment_status"] = "paid"
        ctx.tx.save("checkout.session", session)
        ctx.emit("checkout.session.completed", session)
        return
    intent = ctx.tx.find("payment_intent", session["payment_intent"] or "")
    if session["status"] != "complete" or intent is None or intent["status"] != "processing":
        raise _conflict(f"Checkout Session {session_id} has no payment awaiting settlement.")
    if outcome == "async_succeeded":
        create_charge(ctx, intent)
        session["payment_status"] = "paid"
        ctx.tx.save("checkout.session", session)
        ctx.emit("checkout.session.async_payment_succeeded", session)
    else:
        intent["status"] = "requires_payment_method"
        ctx.tx.save("payment_intent", intent)
        ctx.emit("checkout.session.async_payment_failed", session)


def expire_checkout(ctx: Context, session_id: str) -> None:
    expire_session(ctx, load_session(ctx, session_id))


def complete_onboarding(ctx: Context, account_id: str) -> None:
    """The account holder finishes onboarding: every requested capability becomes active."""
    account = load_account(ctx, account_id)
    previous = {
        key: account[key]
        for key in ("capabilities", "charges_enabled", "details_submitted", "payouts_enabled")
    } | {"requirements": dict(account["requirements"])}
    capabilities = {**dict.fromkeys(account["capabilities"], "active"), "transfers": "active"}
    account.update(
        capabilities=capabilities,
        charges_enabled=True,
        details_submitted=True,
        payouts_enabled=True,
    )
    account["requirements"].update(
        currently_due=[], eventually_due=[], past_due=[], disabled_reason=None
    )
    ctx.tx.save("account", account)
    ctx.emit("account.updated", account, account=account_id, previous=previous)


def request_information(ctx: Context, account_id: str, fields: list[str]) -> None:
    """Stripe needs more from the account holder (a new requirement, a failed check):
    ``fields`` become due and transfers and payouts stop until onboarding is finished again."""
    account = load_account(ctx, account_id)
    previous = {key: account[key] for key in ("capabilities", "payouts_enabled")} | {
        "requirements": dict(account["requirements"])
    }
    account["capabilities"] = dict.fromkeys(account["capabilities"], "inactive")
    account["payouts_enabled"] = False
    account["requirements"].update(
        currently_due=list(fields),
        eventually_due=list(fields),
        past_due=list(fields),
        disabled_reason="requirements.past_due" if fields else None,
    )
    ctx.tx.save("account", account)
    ctx.emit("account.updated", account, account=account_id, previous=previous)


def deauthorize(ctx: Context, account_id: str) -> None:
    """The account disconnects from the platform; the platform loses API access to it."""
    account = load_account(ctx, account_id)
    account["_deauthorized"] = True
    ctx.tx.save("account", account)
    application = {"id": "ca_simulated_platform", "object": "application", "name": "OpenPrize"}
    ctx.emit("account.application.deauthorized", application, account=account_id)


def create_dispute(ctx: Context, charge_id: str) -> str:
    charge = ctx.load("charge", charge_id)
    dispute = ctx.create(
        "dispute",
        "du_",
        {
            "amount": charge["amount"] - charge["amount_refunded"],
            "charge": charge["id"],
            "currency": charge["currency"],
            "is_charge_refundable": False,
            "metadata": {},
            "payment_intent": charge["payment_intent"],
            "reason": "fraudulent",
            "status": "needs_response",
        },
    )
    charge["disputed"] = True
    ctx.tx.save("charge", charge)
    ctx.emit("charge.dispute.created", dispute)
    return str(dispute["id"])


def close_dispute(ctx: Context, dispute_id: str, status: str) -> None:
    if status not in ("won", "lost"):
        raise _conflict(f"A dispute closes as 'won' or 'lost', not {status!r}.")
    dispute = ctx.load("dispute", dispute_id)
    if dispute["status"] in ("won", "lost"):
        raise _conflict(f"Dispute {dispute_id} is already closed ({dispute['status']}).")
    dispute["status"] = status
    ctx.tx.save("dispute", dispute)
    ctx.emit("charge.dispute.closed", dispute)


def reverse_transfer(ctx: Context, transfer_id: str) -> None:
    """Reverse what is left of a transfer (the platform recovers the funds)."""
    transfer = ctx.load("transfer", transfer_id)
    left = transfer["amount"] - transfer["amount_reversed"]
    if left <= 0:
        raise _conflict(f"Transfer {transfer_id} is already fully reversed.")
    reversal = ctx.create(
        "transfer_reversal",
        "trr_",
        {"amount": left, "currency": transfer["currency"], "metadata": {}, "transfer": transfer_id},
    )
    transfer["reversals"]["data"].insert(0, public(reversal))
    transfer.update(amount_reversed=transfer["amount"], reversed=True)
    ctx.tx.save("transfer", transfer)
    ctx.emit("transfer.reversed", transfer)

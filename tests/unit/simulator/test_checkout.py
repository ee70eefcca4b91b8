"""Checkout Sessions through the stripe SDK: create, retrieve, expire, pay, and their webhooks."""

from __future__ import annotations

import pytest
import stripe

from payments.simulator import RequestError, StripeSimulator
from tests.unit.simulator.conftest import Clock, Inbox, session_params


def test_created_session_is_open_unpaid_with_hosted_url(client: stripe.StripeClient) -> None:
    session = client.v1.checkout.sessions.create(session_params(2_500))

    assert session.id.startswith("cs_test_") and len(session.id) == len("cs_test_") + 24
    assert (session.object, session.status, session.payment_status) == (
        "checkout.session",
        "open",
        "unpaid",
    )
    assert (session.amount_total, session.currency, session.livemode) == (2_500, "usd", False)
    assert session.url == f"http://openprize.test/payments/simulated/checkout/{session.id}"
    assert session.payment_intent is None
    assert session.client_reference_id == "funding-1"
    assert session.metadata.to_dict() == {"funding_id": "1"}
    assert client.v1.checkout.sessions.retrieve(session.id).to_dict() == session.to_dict()


def test_amount_total_sums_quantities_of_every_line_item(client: stripe.StripeClient) -> None:
    params = session_params(1_000)
    params["line_items"].append(
        {
            "quantity": 3,
            "price_data": {"currency": "usd", "unit_amount": 50, "product_data": {"name": "Fee"}},
        }
    )
    assert client.v1.checkout.sessions.create(params).amount_total == 1_150


def test_paid_checkout_creates_intent_and_charge_and_signed_completed_event(
    client: stripe.StripeClient, simulator: StripeSimulator, inbox: Inbox
) -> None:
    session = client.v1.checkout.sessions.create(session_params(10_000))

    simulator.complete_checkout(session.id)

    [event] = inbox.verified("platform")
    assert event.type == "checkout.session.completed"
    assert event.id.startswith("evt_") and event.livemode is False
    completed = event.data.object
    assert (completed.id, completed.status, completed.payment_status) == (
        session.id,
        "complete",
        "paid",
    )
    intent = client.v1.payment_intents.retrieve(completed.payment_intent)
    assert (intent.status, intent.amount, intent.transfer_group) == (
        "succeeded",
        10_000,
        "challenge_1",
    )
    assert intent.metadata.to_dict() == {"funding_id": "1"}
    charge = client.v1.charges.retrieve(intent.latest_charge)
    assert charge.id.startswith("ch_")
    assert (charge.amount, charge.amount_refunded, charge.refunded) == (10_000, 0, False)
    assert (charge.payment_intent, charge.transfer_group) == (intent.id, "challenge_1")
    assert charge.balance_transaction.startswith("txn_")


def test_async_payment_completes_unpaid_then_succeeds(
    client: stripe.StripeClient, simulator: StripeSimulator, inbox: Inbox
) -> None:
    session = client.v1.checkout.sessions.create(session_params())

    simulator.complete_checkout(session.id, "async_pending")
    pending = client.v1.checkout.sessions.retrieve(session.id)
    assert (pending.status, pending.payment_status) == ("complete", "unpaid")
    assert client.v1.payment_intents.retrieve(pending.payment_intent).latest_charge is None

    simulator.complete_checkout(session.id, "async_succeeded")

    assert inbox.types() == [
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
    ]
    assert [e.data.object.payment_status for e in inbox.verified()] == ["unpaid", "paid"]
    intent = client.v1.payment_intents.retrieve(pending.payment_intent)
    assert intent.status == "succeeded" and intent.latest_charge.startswith("ch_")


def test_async_payment_can_fail(
    client: stripe.StripeClient, simulator: StripeSimulator, inbox: Inbox
) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    simulator.complete_checkout(session.id, "async_pending")

    simulator.complete_checkout(session.id, "async_failed")

    assert inbox.types()[-1] == "checkout.session.async_payment_failed"
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "unpaid"
    with pytest.raises(RequestError):
        simulator.complete_checkout(session.id, "async_succeeded")


def test_expire_closes_an_open_session_once(
    client: stripe.StripeClient, inbox: Inbox, simulator: StripeSimulator
) -> None:
    session = client.v1.checkout.sessions.create(session_params())

    expired = client.v1.checkout.sessions.expire(session.id)

    assert (expired.status, expired.url) == ("expired", None)
    assert inbox.types() == ["checkout.session.expired"]
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.checkout.sessions.expire(session.id)
    assert excinfo.value.http_status == 400
    with pytest.raises(RequestError):
        simulator.complete_checkout(session.id)


def test_session_expires_by_itself_at_expires_at(
    client: stripe.StripeClient, simulator: StripeSimulator, inbox: Inbox, clock: Clock
) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    clock.now = session.expires_at

    assert client.v1.checkout.sessions.retrieve(session.id).status == "expired"
    assert inbox.types() == ["checkout.session.expired"]


def test_expire_checkout_control_emits_expired_event(
    client: stripe.StripeClient, simulator: StripeSimulator, inbox: Inbox
) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    simulator.expire_checkout(session.id)
    [event] = inbox.verified()
    assert (event.type, event.data.object.status) == ("checkout.session.expired", "expired")
    assert event.request.id is None


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"mode": None}, "mode"),
        ({"success_url": None}, "success_url"),
        ({"line_items": None}, "line_items"),
        ({"expires_at": 5}, "expires_at"),
    ],
)
def test_invalid_session_params_name_the_param(
    client: stripe.StripeClient, change: dict[str, object], param: str
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.checkout.sessions.create({**session_params(), **change})
    assert excinfo.value.http_status == 400
    assert excinfo.value.param == param


@pytest.mark.parametrize("amount", ["12.5", "-1", "ten"])
def test_non_integer_or_negative_amounts_are_rejected(
    client: stripe.StripeClient, amount: str
) -> None:
    params = session_params()
    params["line_items"][0]["price_data"]["unit_amount"] = amount
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.checkout.sessions.create(params)
    assert excinfo.value.param == "line_items[0][price_data][unit_amount]"

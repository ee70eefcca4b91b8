"""Idempotency keys: a repeated request replays its first answer and does nothing new."""

from __future__ import annotations

import threading

import pytest
import stripe

from payments.simulator import StripeSimulator
from tests.unit.simulator.conftest import Clock, Inbox, session_params


def test_same_key_and_params_replays_the_same_object_without_side_effects(
    client: stripe.StripeClient, simulator: StripeSimulator, inbox: Inbox
) -> None:
    options: stripe.RequestOptions = {"idempotency_key": "funding:1"}
    first = client.v1.checkout.sessions.create(session_params(), options)

    again = client.v1.checkout.sessions.create(session_params(), options)

    assert again.id == first.id
    assert again.to_dict() == first.to_dict()
    assert again.last_response is not None
    assert again.last_response.headers["idempotent-replayed"] == "true"
    assert len(simulator.objects("checkout.session")) == 1


def test_replayed_transfer_emits_no_second_event(
    client: stripe.StripeClient,
    paid_charge: stripe.Charge,
    active_account: stripe.Account,
    inbox: Inbox,
    simulator: StripeSimulator,
) -> None:
    params: stripe.TransferCreateParams = {
        "amount": 4_000,
        "currency": "usd",
        "destination": active_account.id,
        "source_transaction": paid_charge.id,
    }
    first = client.v1.transfers.create(params, {"idempotency_key": "payout:7"})
    again = client.v1.transfers.create(params, {"idempotency_key": "payout:7"})

    assert again.id == first.id
    assert len(simulator.objects("transfer")) == 1
    assert inbox.types().count("transfer.created") == 1


def test_same_key_with_different_params_is_an_idempotency_error(
    client: stripe.StripeClient, simulator: StripeSimulator
) -> None:
    client.v1.checkout.sessions.create(session_params(1_000), {"idempotency_key": "k"})

    with pytest.raises(stripe.IdempotencyError) as excinfo:
        client.v1.checkout.sessions.create(session_params(2_000), {"idempotency_key": "k"})

    assert excinfo.value.http_status == 400
    assert len(simulator.objects("checkout.session")) == 1


def test_same_key_on_another_endpoint_is_an_idempotency_error(
    client: stripe.StripeClient,
) -> None:
    client.v1.accounts.create({"type": "express"}, {"idempotency_key": "shared"})
    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(session_params(), {"idempotency_key": "shared"})


def test_keys_are_forgotten_after_24_hours(
    client: stripe.StripeClient, simulator: StripeSimulator, clock: Clock
) -> None:
    first = client.v1.accounts.create({"type": "express"}, {"idempotency_key": "acct:1"})
    clock.now += 24 * 3600 + 1

    later = client.v1.accounts.create({"type": "express"}, {"idempotency_key": "acct:1"})

    assert later.id != first.id
    assert len(simulator.objects("account")) == 2


def test_business_refusal_is_remembered_but_validation_error_is_not(
    client: stripe.StripeClient, simulator: StripeSimulator, paid_charge: stripe.Charge
) -> None:
    account = client.v1.accounts.create(
        {"type": "express", "capabilities": {"transfers": {"requested": True}}}
    )
    params: stripe.TransferCreateParams = {
        "amount": 100,
        "currency": "usd",
        "destination": account.id,
        "source_transaction": paid_charge.id,
    }
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.transfers.create(params, {"idempotency_key": "payout:1"})
    simulator.complete_onboarding(account.id)

    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.transfers.create(params, {"idempotency_key": "payout:1"})
    assert excinfo.value.code == "insufficient_capabilities_for_transfer"
    assert excinfo.value.headers is not None
    assert excinfo.value.headers["idempotent-replayed"] == "true"

    with pytest.raises(stripe.InvalidRequestError):
        client.v1.transfers.create({**params, "amount": "x"}, {"idempotency_key": "payout:2"})
    assert client.v1.transfers.create(params, {"idempotency_key": "payout:2"}).amount == 100


def test_a_server_error_is_replayed_for_its_key_as_stripe_does(
    client: stripe.StripeClient, simulator: StripeSimulator
) -> None:
    simulator.fail_next("POST", "/v1/accounts", status=500)
    with pytest.raises(stripe.APIError):
        client.v1.accounts.create({"type": "express"}, {"idempotency_key": "acct:1"})

    with pytest.raises(stripe.APIError) as excinfo:  # no fault left: Stripe's saved answer
        client.v1.accounts.create({"type": "express"}, {"idempotency_key": "acct:1"})

    assert excinfo.value.http_status == 500
    assert excinfo.value.headers is not None
    assert excinfo.value.headers["idempotent-replayed"] == "true"
    assert simulator.objects("account") == []
    assert client.v1.accounts.create({"type": "express"}, {"idempotency_key": "acct:2"}).id


def test_a_dropped_connection_or_a_rate_limit_saves_nothing_for_the_key(
    client: stripe.StripeClient, simulator: StripeSimulator, transport: str
) -> None:
    for status in (0, 429):
        simulator.fail_next("POST", "/v1/accounts", status=status)
        with pytest.raises(stripe.StripeError):
            client.v1.accounts.create({"type": "express"}, {"idempotency_key": "acct:1"})
    created = client.v1.accounts.create({"type": "express"}, {"idempotency_key": "acct:1"})
    assert [a["id"] for a in simulator.objects("account")] == [created.id]


def test_a_request_whose_key_is_in_flight_gets_409_key_in_use(
    client: stripe.StripeClient,
    simulator: StripeSimulator,
    paid_charge: stripe.Charge,
    active_account: stripe.Account,
) -> None:
    params: stripe.TransferCreateParams = {
        "amount": 4_000,
        "currency": "usd",
        "destination": active_account.id,
        "source_transaction": paid_charge.id,
    }
    stall = simulator.stall_next("POST", "/v1/transfers")
    first: list[stripe.Transfer] = []
    worker = threading.Thread(
        target=lambda: first.append(
            client.v1.transfers.create(params, {"idempotency_key": "payout:7"})
        )
    )
    worker.start()
    assert stall.reached.wait(timeout=30), "the first request never reached Stripe"
    try:
        with pytest.raises(stripe.APIError) as excinfo:  # the SDK's class for a 409
            client.v1.transfers.create(params, {"idempotency_key": "payout:7"})
    finally:
        stall.release()
        worker.join(timeout=30)

    body = excinfo.value.json_body["error"]  # the SDK leaves ``code`` unset on a 409
    assert excinfo.value.http_status == 409
    assert (body["type"], body["code"]) == ("idempotency_error", "idempotency_key_in_use")
    (made,) = simulator.objects("transfer")
    assert first[0].id == made["id"]
    assert client.v1.transfers.create(params, {"idempotency_key": "payout:7"}).id == made["id"]

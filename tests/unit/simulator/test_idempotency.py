"""Idempotency keys: a repeated request replays its first answer and does nothing new."""

from __future__ import annotations

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

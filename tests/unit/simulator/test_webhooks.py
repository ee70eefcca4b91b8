"""Webhook events: Stripe's envelope and signature, failed deliveries, replays and disputes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import stripe

from payments.simulator import RequestError, StripeSimulator, sign_payload
from tests.unit.simulator.conftest import PLATFORM_SECRET, Inbox, session_params


def test_signature_matches_the_sdk_generator() -> None:
    payload = b'{"id": "evt_1", "object": "event", "note": "caf\xc3\xa9"}'
    expected = stripe.WebhookSignature.generate_signature_header(
        payload.decode(), "whsec_x", timestamp=1_700_000_000
    )
    assert sign_payload(payload, "whsec_x", 1_700_000_000) == expected


def test_events_carry_stripes_envelope_oldest_first(
    client: stripe.StripeClient, simulator: StripeSimulator, inbox: Inbox
) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    simulator.complete_checkout(session.id)
    charge_id = client.v1.payment_intents.retrieve(
        client.v1.checkout.sessions.retrieve(session.id).payment_intent
    ).latest_charge
    client.v1.refunds.create({"charge": charge_id}, {"idempotency_key": "refund:1"})

    events = simulator.events()

    assert [e["type"] for e in events] == [
        "checkout.session.completed",
        "charge.refunded",
        "refund.created",
    ]
    refund_event = events[-1]
    assert refund_event["object"] == "event" and refund_event["livemode"] is False
    assert refund_event["pending_webhooks"] == 1 and refund_event["api_version"]
    assert refund_event["request"]["idempotency_key"] == "refund:1"
    assert refund_event["request"]["id"].startswith("req_")
    assert "account" not in refund_event
    assert [e.id for e in inbox.verified()] == [e["id"] for e in events]


def test_failing_receiver_is_recorded_and_does_not_break_the_api_call(
    client: stripe.StripeClient, simulator: StripeSimulator, inbox: Inbox
) -> None:
    session = client.v1.checkout.sessions.create(session_params())
    inbox.fail = True

    expired = client.v1.checkout.sessions.expire(session.id)

    assert expired.status == "expired"
    [failure] = simulator.delivery_failures()
    assert failure["endpoint"] == "platform" and "receiver is down" in failure["error"]

    inbox.fail = False
    simulator.redeliver(failure["id"])

    assert simulator.delivery_failures() == []
    first, replay = inbox.deliveries
    assert replay[1] == first[1]
    assert stripe.Webhook.construct_event(replay[1], replay[2], PLATFORM_SECRET).id == failure["id"]


def test_receiver_may_call_back_into_the_api_while_handling_an_event(
    make_client: Callable[..., stripe.StripeClient], simulator: StripeSimulator
) -> None:
    client = make_client()
    seen: list[str] = []

    def receiver(endpoint: str, payload: bytes, signature: str) -> None:
        event = stripe.Webhook.construct_event(payload, signature, PLATFORM_SECRET)
        seen.append(client.v1.checkout.sessions.retrieve(event.data.object.id).status)

    simulator.deliver = receiver
    session = client.v1.checkout.sessions.create(session_params())
    client.v1.checkout.sessions.expire(session.id)
    simulator.complete_checkout(client.v1.checkout.sessions.create(session_params()).id)

    assert seen == ["expired", "complete"]
    assert simulator.delivery_failures() == []


def test_redelivering_an_unknown_event_is_an_error(simulator: StripeSimulator) -> None:
    with pytest.raises(RequestError):
        simulator.redeliver("evt_missing")


def test_events_are_kept_without_a_receiver() -> None:
    simulator = StripeSimulator()
    simulator.fail_next("GET", "/v1/nothing")  # controls work without any HTTP traffic
    assert simulator.events() == []


def test_dispute_lifecycle_emits_created_and_closed(
    simulator: StripeSimulator, paid_charge: stripe.Charge, inbox: Inbox
) -> None:
    inbox.deliveries.clear()

    dispute_id = simulator.create_dispute(paid_charge.id)
    simulator.close_dispute(dispute_id, "lost")

    created, closed = inbox.verified("platform")
    assert dispute_id.startswith("du_")
    assert (created.type, created.data.object.status) == (
        "charge.dispute.created",
        "needs_response",
    )
    assert (closed.type, closed.data.object.status) == ("charge.dispute.closed", "lost")
    assert closed.data.object.charge == paid_charge.id
    with pytest.raises(RequestError):
        simulator.close_dispute(dispute_id, "won")

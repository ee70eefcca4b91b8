"""Refunds: up to what is left on the charge, with charge.refunded and refund.created events."""

from __future__ import annotations

import pytest
import stripe

from tests.unit.simulator.conftest import Inbox


def test_partial_then_remaining_refund_fully_refunds_the_charge(
    client: stripe.StripeClient, paid_charge: stripe.Charge, inbox: Inbox
) -> None:
    inbox.deliveries.clear()
    partial = client.v1.refunds.create(
        {"payment_intent": paid_charge.payment_intent, "amount": 3_000, "metadata": {"r": "1"}}
    )
    rest = client.v1.refunds.create({"charge": paid_charge.id})

    assert partial.id.startswith("re_")
    assert (partial.status, partial.amount, partial.charge) == ("succeeded", 3_000, paid_charge.id)
    assert partial.payment_intent == paid_charge.payment_intent
    assert partial.metadata.to_dict() == {"r": "1"}
    assert rest.amount == 7_000
    charge = client.v1.charges.retrieve(paid_charge.id)
    assert (charge.amount_refunded, charge.refunded) == (10_000, True)
    assert client.v1.refunds.retrieve(rest.id).amount == 7_000
    assert inbox.types() == ["charge.refunded", "refund.created"] * 2
    refunded_event = inbox.verified()[2]
    assert refunded_event.data.object.amount_refunded == 10_000


def test_refund_larger_than_what_is_left_is_refused(
    client: stripe.StripeClient, paid_charge: stripe.Charge
) -> None:
    client.v1.refunds.create({"charge": paid_charge.id, "amount": 9_000})

    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.refunds.create({"charge": paid_charge.id, "amount": 1_001})

    assert (excinfo.value.code, excinfo.value.param) == ("amount_too_large", "amount")
    assert client.v1.charges.retrieve(paid_charge.id).amount_refunded == 9_000


def test_refunding_a_fully_refunded_charge_is_refused(
    client: stripe.StripeClient, paid_charge: stripe.Charge
) -> None:
    client.v1.refunds.create({"charge": paid_charge.id})
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.refunds.create({"payment_intent": paid_charge.payment_intent})
    assert excinfo.value.code == "charge_already_refunded"


@pytest.mark.parametrize("amount", [0, -5])
def test_refund_amount_must_be_positive(
    client: stripe.StripeClient, paid_charge: stripe.Charge, amount: int
) -> None:
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.refunds.create({"charge": paid_charge.id, "amount": amount})
    assert excinfo.value.param == "amount"


def test_refund_needs_a_charge_or_payment_intent(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.refunds.create({})
    assert excinfo.value.code == "parameter_missing"
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.refunds.create({"payment_intent": "pi_missing"})
    assert (excinfo.value.http_status, excinfo.value.code) == (404, "resource_missing")


def test_refunds_are_listed_by_payment_intent_newest_first(
    client: stripe.StripeClient, paid_charge: stripe.Charge
) -> None:
    intent = paid_charge.payment_intent
    first = client.v1.refunds.create({"payment_intent": intent, "amount": 1_000})
    second = client.v1.refunds.create(
        {"payment_intent": intent, "amount": 2_000, "metadata": {"refund_id": "9"}}
    )

    listed = client.v1.refunds.list({"payment_intent": intent, "limit": 1})

    assert [r.id for r in listed.data] == [second.id] and listed.has_more
    assert [r.id for r in listed.auto_paging_iter()] == [second.id, first.id]
    assert client.v1.refunds.list({"payment_intent": "pi_other"}).data == []
    assert [r.id for r in client.v1.refunds.list({"charge": paid_charge.id}).data] == [
        second.id,
        first.id,
    ]

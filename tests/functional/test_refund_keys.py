"""Refunds whose Stripe call keeps failing: Stripe replays a key's first answer (a 5xx too),
so ``flask payments retry-refunds`` looks the refund up at Stripe once the key has failed for
long enough, and only when Stripe holds none moves on to a new key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from core.db import db
from payments.models import Refund, RefundStatus
from tests.functional.payments_helpers import (
    FEE,
    PURSE,
    MakeApp,
    Site,
    delivered,
    fund_and_pay,
    in_process_site,
    run_cli,
    sponsor_with_approved_challenge,
)

CANCEL_REASON = "The sponsor withdrew the budget for this year."


@pytest.fixture
def local_site(make_app: MakeApp) -> Iterator[Site]:
    with in_process_site(make_app) as built:
        yield built


def _cancel_with_refund_faults(
    site: Site, hold_webhooks: list | None = None, **fault: object
) -> Refund:
    owner, challenge = sponsor_with_approved_challenge()
    fund_and_pay(site, owner, challenge)
    if hold_webhooks is not None:  # Stripe's events about the refund arrive late
        site.simulator.deliver = lambda *delivery: hold_webhooks.append(delivery)
    site.simulator.fail_next("POST", "/v1/refunds", **fault)
    response = site.client.post(
        f"/challenges/{challenge.slug}/cancel", data={"reason": CANCEL_REASON}
    )
    assert response.status_code == 302
    return _only_refund()


def _only_refund() -> Refund:
    db.session.rollback()
    (refund,) = db.session.scalars(sa.select(Refund))
    return refund


def _refund_keys(site: Site) -> list[str]:
    return [e["request"]["idempotency_key"] for e in delivered(site.simulator, "refund.created")]


def test_a_refund_whose_key_got_a_5xx_moves_to_a_new_key_once_stripe_has_none(
    local_site: Site,
) -> None:
    refund = _cancel_with_refund_faults(local_site, status=500)  # saved for the key
    assert (refund.status, local_site.simulator.objects("refund")) == (RefundStatus.PENDING, [])

    same_key = run_cli(local_site, "payments", "retry-refunds")  # the 500 is replayed

    assert "Refunds retried: 1." in same_key.output
    assert _only_refund().status == RefundStatus.PENDING

    result = run_cli(local_site, "payments", "retry-refunds", "--older-than", "0")

    assert result.exit_code == 0, result.output
    refund = _only_refund()
    assert (refund.status, refund.key_attempt) == (RefundStatus.SUCCEEDED, 2)
    (at_stripe,) = local_site.simulator.objects("refund")
    assert (at_stripe["id"], at_stripe["amount"]) == (refund.stripe_refund_id, PURSE + FEE)
    assert at_stripe["metadata"]["refund_id"] == str(refund.id)
    (key,) = _refund_keys(local_site)
    assert key.endswith(f"refund:{refund.id}:a2")
    run_cli(local_site, "payments", "retry-refunds", "--older-than", "0")
    assert len(local_site.simulator.objects("refund")) == 1


def test_a_refund_stripe_made_behind_a_lost_answer_keeps_its_key(local_site: Site) -> None:
    tries = 1 + int(local_site.app.config["STRIPE_MAX_NETWORK_RETRIES"])
    deliver, held = local_site.simulator.deliver, []
    refund = _cancel_with_refund_faults(
        local_site, held, status=500, count=tries, after_processing=True
    )
    (at_stripe,) = local_site.simulator.objects("refund")
    assert (refund.status, refund.stripe_refund_id) == (RefundStatus.PENDING, None)

    result = run_cli(local_site, "payments", "retry-refunds", "--older-than", "0")

    assert result.exit_code == 0, result.output
    refund = _only_refund()
    assert (refund.stripe_refund_id, refund.key_attempt) == (at_stripe["id"], 1)
    assert refund.status == RefundStatus.REQUESTED
    local_site.simulator.deliver = deliver
    for delivery in held:
        deliver(*delivery)
    assert _only_refund().status == RefundStatus.SUCCEEDED
    assert len(local_site.simulator.objects("refund")) == 1
    (key,) = [
        e["request"]["idempotency_key"]
        for e in local_site.simulator.events()
        if e["type"] == "refund.created"
    ]
    assert key.endswith(f"refund:{refund.id}")

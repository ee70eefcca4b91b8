"""Stripe webhooks through the real endpoints: signatures, replays, order, async, mismatches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from challenges.models import Challenge
from payments.models import FundingStatus
from tests.functional.payments_helpers import (
    CONNECT_PATH,
    FEE,
    PURSE,
    MakeApp,
    Site,
    delivered,
    event_about,
    fund_and_pay,
    in_process_site,
    ledger_of,
    log_in,
    loopback_site,
    only_funding,
    post_event,
    reloaded,
    session_id_of,
    signed,
    sponsor_with_approved_challenge,
    start_funding,
    stripe_event_count,
)


@pytest.fixture(params=["in_process", "loopback"])
def site(request: pytest.FixtureRequest, make_app: MakeApp) -> Iterator[Site]:
    factory = in_process_site if request.param == "in_process" else loopback_site
    with factory(make_app) as built:
        yield built


@pytest.fixture
def local_site(make_app: MakeApp) -> Iterator[Site]:
    with in_process_site(make_app) as built:
        yield built


class HeldDeliveries:
    """Stands in for the network between Stripe and the app: events wait until released."""

    def __init__(self) -> None:
        self.held: list[tuple[str, bytes, str]] = []

    def __call__(self, endpoint: str, payload: bytes, signature: str) -> None:
        self.held.append((endpoint, payload, signature))


def _open_checkout(site: Site) -> tuple[Challenge, str]:
    owner, challenge = sponsor_with_approved_challenge()
    log_in(site.client, owner)
    return challenge, session_id_of(start_funding(site.client, challenge))


def _session(site: Site, session_id: str) -> dict[str, Any]:
    (session,) = [s for s in site.sessions() if s["id"] == session_id]
    return session


def _is_unfunded(challenge: Challenge) -> bool:
    return reloaded(challenge).published_at is None and ledger_of(challenge) == {}


def test_replayed_payment_event_funds_the_challenge_once(site: Site) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    fund_and_pay(site, owner, challenge)
    (completed,) = delivered(site.simulator, "checkout.session.completed")
    events_applied = stripe_event_count()

    site.simulator.redeliver(completed["id"])
    again = post_event(site.client, completed, site.webhook_secret)

    assert again.status_code == 200 and again.json == {"received": True, "outcome": "duplicate"}
    assert stripe_event_count() == events_applied
    assert ledger_of(challenge) == {"funded": [PURSE], "fee": [FEE]}
    assert reloaded(challenge).funded_amount == PURSE
    assert only_funding(challenge).status == FundingStatus.PAID


def test_only_a_correctly_signed_event_changes_anything(
    local_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge, session_id = _open_checkout(local_site)
    network = HeldDeliveries()
    monkeypatch.setattr(local_site.simulator, "deliver", network)
    local_site.simulator.complete_checkout(session_id)
    (completed,) = delivered(local_site.simulator, "checkout.session.completed")
    payload, good_signature = signed(completed, local_site.webhook_secret)
    _, foreign_signature = signed(completed, "whsec_someone_else")
    tampered = payload.replace(b'"paid"', b'"unpaid"')
    json_type = {"Content-Type": "application/json"}
    attempts = [
        (payload, {"Stripe-Signature": foreign_signature}),
        (tampered, {"Stripe-Signature": good_signature}),
        (payload, {"Stripe-Signature": "t=1,v1=00"}),
        (payload, {}),
    ]

    for body, headers in attempts:
        refused = local_site.client.post(
            "/payments/webhooks/stripe", data=body, headers={**headers, **json_type}
        )
        assert refused.status_code == 400 and refused.json == {"error": "invalid signature"}
    assert stripe_event_count() == 0
    assert only_funding(challenge).status == FundingStatus.OPEN and _is_unfunded(challenge)

    accepted = local_site.client.post(
        "/payments/webhooks/stripe",
        data=payload,
        headers={"Stripe-Signature": good_signature, **json_type},
    )

    assert accepted.status_code == 200 and accepted.json["outcome"] == "funded"
    assert only_funding(challenge).status == FundingStatus.PAID
    assert reloaded(challenge).published_at is not None


def test_late_expired_event_leaves_a_paid_funding_paid(site: Site) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    session_id = fund_and_pay(site, owner, challenge)
    stale = {**_session(site, session_id), "status": "expired", "payment_status": "unpaid"}

    response = post_event(
        site.client, event_about("checkout.session.expired", stale), site.webhook_secret
    )

    assert response.status_code == 200 and response.json["outcome"] == "no change"
    assert only_funding(challenge).status == FundingStatus.PAID
    assert reloaded(challenge).published_at is not None


def test_completed_event_delivered_after_async_success_does_not_undo_payment(
    local_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    challenge, session_id = _open_checkout(local_site)
    network = HeldDeliveries()
    monkeypatch.setattr(local_site.simulator, "deliver", network)
    local_site.simulator.complete_checkout(session_id, "async_pending")
    local_site.simulator.complete_checkout(session_id, "async_succeeded")
    monkeypatch.undo()
    completed, succeeded = (event["id"] for event in local_site.simulator.events()[-2:])

    local_site.simulator.redeliver(succeeded)
    local_site.simulator.redeliver(completed)

    assert local_site.simulator.delivery_failures() == []
    assert only_funding(challenge).status == FundingStatus.PAID
    assert ledger_of(challenge) == {"funded": [PURSE], "fee": [FEE]}
    assert reloaded(challenge).published_at is not None


def test_delayed_payment_publishes_only_when_it_settles(local_site: Site) -> None:
    challenge, session_id = _open_checkout(local_site)

    returned = local_site.client.post(
        f"/payments/simulated/checkout/{session_id}/async_pending", follow_redirects=True
    )

    assert "marked funded as soon as Stripe confirms" in returned.get_data(as_text=True)
    assert only_funding(challenge).status == FundingStatus.PROCESSING
    assert _is_unfunded(challenge)
    busy = start_funding(local_site.client, challenge)
    assert busy.status_code == 409
    assert "already being processed" in busy.get_data(as_text=True)

    local_site.simulator.complete_checkout(session_id, "async_succeeded")

    assert only_funding(challenge).status == FundingStatus.PAID
    assert ledger_of(challenge) == {"funded": [PURSE], "fee": [FEE]}
    page = local_site.client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Prize funds held: $10,000.10" in page


def test_failed_delayed_payment_lets_the_sponsor_pay_again_in_a_new_session(
    site: Site,
) -> None:
    challenge, first_session = _open_checkout(site)
    first_key = only_funding(challenge).idempotency_key
    site.simulator.complete_checkout(first_session, "async_pending")

    site.simulator.complete_checkout(first_session, "async_failed")

    failed = only_funding(challenge)
    assert failed.status == FundingStatus.FAILED and "failed" in failed.failure_reason
    assert _is_unfunded(challenge)

    second_session = session_id_of(start_funding(site.client, challenge))

    assert second_session != first_session
    retry = only_funding(challenge)
    assert retry.status == FundingStatus.OPEN and retry.attempt == 2
    assert retry.idempotency_key != first_key and retry.failure_reason == ""
    assert [s["id"] for s in site.sessions()] == [first_session, second_session]
    site.simulator.complete_checkout(second_session)
    assert only_funding(challenge).status == FundingStatus.PAID
    assert ledger_of(challenge) == {"funded": [PURSE], "fee": [FEE]}


def test_event_for_an_unknown_checkout_session_is_acknowledged_and_ignored(
    local_site: Site,
) -> None:
    challenge, session_id = _open_checkout(local_site)
    funding_id = str(only_funding(challenge).id)
    strangers = [
        {"id": "cs_test_not_ours", "metadata": {}},
        # Metadata naming our funding cannot take it over from the session it already has.
        {"id": "cs_test_impostor", "metadata": {"funding_id": funding_id}},
    ]

    for stranger in strangers:
        session = {**_session(local_site, session_id), **stranger, "payment_status": "paid"}
        event = event_about("checkout.session.completed", session)
        response = post_event(local_site.client, event, local_site.webhook_secret)
        assert response.status_code == 200
        assert response.json["outcome"] == "ignored: unknown checkout session"

    funding = only_funding(challenge)
    assert funding.status == FundingStatus.OPEN and funding.checkout_session_id == session_id
    assert _is_unfunded(challenge)


def test_payment_for_the_wrong_amount_is_recorded_but_does_not_fund(local_site: Site) -> None:
    challenge, session_id = _open_checkout(local_site)
    short = {
        **_session(local_site, session_id),
        "status": "complete",
        "payment_status": "paid",
        "amount_total": PURSE + FEE - 1,
    }

    response = post_event(
        local_site.client,
        event_about("checkout.session.completed", short),
        local_site.webhook_secret,
    )

    assert response.status_code == 200
    assert response.json["outcome"] == "amount mismatch: not funded"
    funding = only_funding(challenge)
    assert funding.status == FundingStatus.FAILED and funding.paid_at is None
    assert local_site.simulator.objects("refund") == []  # no payment behind it to refund
    assert "Amount mismatch" in funding.failure_reason
    assert str(PURSE + FEE - 1) in funding.failure_reason
    assert _is_unfunded(challenge)
    assert local_site.new_client().get(f"/challenges/{challenge.slug}").status_code == 404


def test_connect_endpoint_accepts_only_its_own_secret(site: Site) -> None:
    account = {"id": "acct_1Winner", "object": "account", "charges_enabled": True}
    event = {**event_about("account.updated", account), "account": "acct_1Winner"}

    with_platform_secret = post_event(site.client, event, site.webhook_secret, CONNECT_PATH)
    connect_secret_on_platform = post_event(site.client, event, site.connect_secret)

    assert with_platform_secret.status_code == 400
    assert connect_secret_on_platform.status_code == 400
    assert stripe_event_count() == 0
    accepted = post_event(site.client, event, site.connect_secret, CONNECT_PATH)
    assert accepted.status_code == 200
    assert stripe_event_count() == 1

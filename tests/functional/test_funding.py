"""Funding a purse through Checkout, publication, double clicks, outages, cancel and refund."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from core.db import db
from payments.models import FundingStatus, Refund, RefundStatus
from tests.factories import make_user
from tests.functional.payments_helpers import (
    FEE,
    PURSE,
    MakeApp,
    Site,
    drain_faults,
    fund_and_pay,
    fundings_of,
    in_process_site,
    ledger_of,
    log_in,
    loopback_site,
    only_funding,
    reloaded,
    run_cli,
    session_id_of,
    sponsor_with_approved_challenge,
    start_funding,
)

CANCEL_REASON = "The sponsor withdrew the budget for this year."


@pytest.fixture(params=["in_process", "loopback"])
def site(request: pytest.FixtureRequest, make_app: MakeApp) -> Iterator[Site]:
    factory = in_process_site if request.param == "in_process" else loopback_site
    with factory(make_app) as built:
        yield built


@pytest.fixture
def local_site(make_app: MakeApp) -> Iterator[Site]:
    with in_process_site(make_app) as built:
        yield built


def test_paying_checkout_publishes_challenge_and_books_purse_and_fee(site: Site) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    log_in(site.client, owner)
    preview = site.client.get(f"/challenges/{challenge.slug}/fund").get_data(as_text=True)
    assert "$10,000.10" in preview and "$500.01" in preview and "$10,500.11" in preview

    response = start_funding(site.client, challenge)
    session_id = session_id_of(response)
    (session,) = site.sessions()
    assert response.headers["Location"] == session["url"]
    assert session["id"] == session_id and session["amount_total"] == PURSE + FEE
    assert only_funding(challenge).status == FundingStatus.OPEN
    assert reloaded(challenge).published_at is None

    site.simulator.complete_checkout(session_id)

    funding = only_funding(challenge)
    assert funding.status == FundingStatus.PAID and funding.paid_at is not None
    assert (funding.purse_amount, funding.fee_amount) == (PURSE, FEE)
    published = reloaded(challenge)
    assert published.published_at is not None and published.funded_amount == PURSE
    assert ledger_of(challenge) == {"funded": [PURSE], "fee": [FEE]}
    public = site.new_client()
    assert "Tidal Energy Prize" in public.get("/challenges").get_data(as_text=True)
    page = public.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Prize funds held: $10,000.10" in page


def test_simulated_checkout_page_shows_the_total_and_takes_the_payment(local_site: Site) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    log_in(local_site.client, owner)
    checkout = local_site.client.get(
        start_funding(local_site.client, challenge).headers["Location"]
    )
    page = checkout.get_data(as_text=True)
    assert "Payments are simulated" in page and "$10,500.11" in page

    session_id = session_id_of(start_funding(local_site.client, challenge))
    paid = local_site.client.post(
        f"/payments/simulated/checkout/{session_id}/paid", follow_redirects=True
    )

    assert paid.request.args.get("funding") == "returned"
    assert "Prize funds held: $10,000.10" in paid.get_data(as_text=True)
    assert only_funding(challenge).status == FundingStatus.PAID


def test_return_url_without_payment_funds_nothing(local_site: Site) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    log_in(local_site.client, owner)
    session_id_of(start_funding(local_site.client, challenge))

    back = local_site.client.get(f"/challenges/{challenge.slug}?funding=returned")

    assert back.status_code == 200
    assert "marked funded as soon as Stripe confirms" in back.get_data(as_text=True)
    assert "Prize funds held" not in back.get_data(as_text=True)
    assert only_funding(challenge).status == FundingStatus.OPEN
    assert reloaded(challenge).published_at is None
    assert ledger_of(challenge) == {}
    assert local_site.new_client().get(f"/challenges/{challenge.slug}").status_code == 404


def test_approved_challenge_without_paid_funding_stays_hidden(local_site: Site) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    log_in(local_site.client, owner)
    session_id_of(start_funding(local_site.client, challenge))  # opened, never paid
    stranger = local_site.new_client()
    log_in(stranger, make_user())
    anonymous = local_site.new_client()

    for visitor in (anonymous, stranger):
        assert visitor.get(f"/challenges/{challenge.slug}").status_code == 404
        listing = visitor.get("/challenges?q=Tidal").get_data(as_text=True)
        assert "Tidal Energy Prize" not in listing
        assert "Tidal Energy Prize" not in visitor.get("/challenges").get_data(as_text=True)
    own_page = local_site.client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Fund the prize purse to publish it" in own_page


def test_double_click_on_fund_opens_one_checkout_session(local_site: Site) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    log_in(local_site.client, owner)

    first = start_funding(local_site.client, challenge)
    second = start_funding(local_site.client, challenge)

    assert session_id_of(first) == session_id_of(second)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(fundings_of(challenge)) == 1
    assert len(local_site.sessions()) == 1


def test_two_tabs_funding_at_the_same_moment_share_one_checkout_session(
    local_site: Site,
) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    tabs = [local_site.new_client(), local_site.new_client()]
    for tab in tabs:
        log_in(tab, owner)
    path = f"/challenges/{challenge.slug}/fund"  # threads have no app context to load it
    start = threading.Barrier(len(tabs))
    responses: dict[int, TestResponse] = {}

    def click(index: int, tab: FlaskClient) -> None:
        start.wait(timeout=10)
        responses[index] = tab.post(path)

    threads = [threading.Thread(target=click, args=pair) for pair in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(responses) == [0, 1]
    assert session_id_of(responses[0]) == session_id_of(responses[1])
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    (funding,) = fundings_of(challenge)
    assert funding.status == FundingStatus.OPEN and funding.attempt == 1
    assert [s["id"] for s in local_site.sessions()] == [funding.checkout_session_id]


@pytest.mark.parametrize("after_processing", [False, True], ids=["not_sent", "reply_lost"])
def test_checkout_outage_asks_to_try_again_and_next_click_reuses_the_key(
    local_site: Site, after_processing: bool
) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    log_in(local_site.client, owner)
    # Not sent: the connection drops before Stripe sees it (a 5xx would be replayed for the
    # key). Reply lost: Stripe made the session, then the answer failed.
    local_site.simulator.fail_next(
        "POST",
        "/v1/checkout/sessions",
        status=500 if after_processing else 0,
        count=10,
        after_processing=after_processing,
    )

    refused = start_funding(local_site.client, challenge)

    assert refused.status_code == 409
    message = refused.get_data(as_text=True)
    assert "did not answer" in message and "try again" in message
    funding = only_funding(challenge)
    key = funding.idempotency_key
    assert funding.status == FundingStatus.CREATED and funding.checkout_session_id is None
    created_while_down = len(local_site.sessions())
    assert created_while_down == (1 if after_processing else 0)

    clicks = 1
    response = start_funding(local_site.client, challenge)
    while response.status_code == 409 and clicks < 10:  # each click uses up a few faults
        assert only_funding(challenge).status == FundingStatus.CREATED
        clicks += 1
        response = start_funding(local_site.client, challenge)

    session_id = session_id_of(response)
    funding = only_funding(challenge)
    assert funding.idempotency_key == key and funding.attempt == 1
    assert funding.status == FundingStatus.OPEN and funding.checkout_session_id == session_id
    assert [s["id"] for s in local_site.sessions()] == [session_id]


def test_cancelling_a_funded_challenge_refunds_purse_and_fee(local_site: Site) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    fund_and_pay(local_site, owner, challenge)

    response = local_site.client.post(
        f"/challenges/{challenge.slug}/cancel", data={"reason": CANCEL_REASON}
    )

    assert response.status_code == 302
    funding = only_funding(challenge)
    (refund,) = db.session.scalars(sa.select(Refund).where(Refund.funding_id == funding.id))
    assert refund.amount == PURSE + FEE == funding.total_amount
    assert refund.status == RefundStatus.SUCCEEDED and refund.stripe_refund_id
    (stripe_refund,) = local_site.simulator.objects("refund")
    assert stripe_refund["id"] == refund.stripe_refund_id
    assert stripe_refund["amount"] == PURSE + FEE
    assert ledger_of(challenge) == {
        "funded": [PURSE],
        "fee": [FEE],
        "refunded": [PURSE],
        "fee_refunded": [FEE],
    }
    page = local_site.new_client().get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Cancelled" in page and CANCEL_REASON in page
    assert "Refunded to the sponsor: $10,000.10" in page
    assert "Prize funds held" not in page


def test_cancelling_an_already_cancelled_challenge_is_refused_and_refunds_nothing_more(
    local_site: Site,
) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    fund_and_pay(local_site, owner, challenge)
    path = f"/challenges/{challenge.slug}/cancel"
    assert local_site.client.post(path, data={"reason": CANCEL_REASON}).status_code == 302

    again = local_site.client.post(path, data={"reason": "Cancelling once more, by mistake."})

    assert again.status_code == 409
    assert b"already cancelled" in again.data
    assert len(db.session.scalars(sa.select(Refund)).all()) == 1
    assert len(local_site.simulator.objects("refund")) == 1
    assert reloaded(challenge).cancel_reason == CANCEL_REASON


def test_two_tabs_cancelling_at_once_cancel_once_and_refund_once(
    local_site: Site,
) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    fund_and_pay(local_site, owner, challenge)
    tabs = [local_site.client, local_site.new_client()]
    log_in(tabs[1], owner)
    path = f"/challenges/{challenge.slug}/cancel"
    reasons = [CANCEL_REASON, "Second tab: the budget was withdrawn."]
    start = threading.Barrier(len(tabs))
    statuses: dict[int, int] = {}

    def cancel(index: int) -> None:
        start.wait(timeout=10)
        statuses[index] = tabs[index].post(path, data={"reason": reasons[index]}).status_code

    threads = [threading.Thread(target=cancel, args=(index,)) for index in range(len(tabs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # One conditional UPDATE decides the race on any database: the loser gets 409.
    winner = next(index for index, status in statuses.items() if status == 302)
    assert sorted(statuses.values()) == [302, 409]
    assert reloaded(challenge).cancel_reason == reasons[winner]
    (refund,) = db.session.scalars(sa.select(Refund))
    assert refund.status == RefundStatus.SUCCEEDED
    assert len(local_site.simulator.objects("refund")) == 1


def test_refund_stripe_did_not_answer_stays_pending_until_retry_command(
    local_site: Site,
) -> None:
    owner, challenge = sponsor_with_approved_challenge()
    fund_and_pay(local_site, owner, challenge)
    local_site.simulator.fail_next("POST", "/v1/refunds", status=0, count=10)  # never arrives

    response = local_site.client.post(
        f"/challenges/{challenge.slug}/cancel", data={"reason": CANCEL_REASON}
    )

    assert response.status_code == 302
    (refund,) = db.session.scalars(sa.select(Refund))
    assert refund.status == RefundStatus.PENDING and refund.last_error
    assert local_site.simulator.objects("refund") == []
    page = local_site.client.get(f"/challenges/{challenge.slug}").get_data(as_text=True)
    assert "Refund to the sponsor in progress: $10,500.11" in page

    still_down = run_cli(local_site, "payments", "retry-refunds")
    assert "Refunds retried: 1." in still_down.output
    db.session.rollback()
    assert db.session.get(Refund, refund.id).status == RefundStatus.PENDING  # faults remain
    drain_faults(local_site.simulator, "/v1/refunds")
    result = run_cli(local_site, "payments", "retry-refunds")

    assert result.exit_code == 0 and "Refunds retried: 1." in result.output
    db.session.rollback()
    refund = db.session.get(Refund, refund.id)
    assert refund.status == RefundStatus.SUCCEEDED
    (stripe_refund,) = local_site.simulator.objects("refund")
    assert stripe_refund["id"] == refund.stripe_refund_id
    assert stripe_refund["amount"] == PURSE + FEE
    assert ledger_of(challenge)["refunded"] == [PURSE]
    rerun = run_cli(local_site, "payments", "retry-refunds")
    assert "Refunds retried: 0." in rerun.output
    assert len(local_site.simulator.objects("refund")) == 1

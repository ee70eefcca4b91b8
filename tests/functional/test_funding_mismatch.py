"""A Checkout payment for another amount than the funding's is refunded at once (keyed, once,
however often Stripe repeats the event), its reason recorded and shown to the platform
admins, and the sponsor can pay again through a new Checkout Session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from core.db import db
from core.money import format_amount
from payments.models import Funding, Refund, RefundStatus
from tests.factories import make_user
from tests.functional.payments_helpers import (
    FEE,
    PURSE,
    MakeApp,
    Site,
    delivered,
    event_about,
    fundings_of,
    in_process_site,
    ledger_of,
    log_in,
    post_event,
    reloaded,
    session_id_of,
    sponsor_with_approved_challenge,
    start_funding,
)


@pytest.fixture
def local_site(make_app: MakeApp) -> Iterator[Site]:
    with in_process_site(make_app) as built:
        yield built


def _paid_for_an_old_amount(site: Site):
    """The sponsor opened Checkout, the purse then changed (so the funding's amount did), and
    the sponsor paid the session still open for the old amount: Stripe charged it."""
    owner, challenge = sponsor_with_approved_challenge()
    log_in(site.client, owner)
    session_id = session_id_of(start_funding(site.client, challenge))
    db.session.execute(sa.update(Funding).values(purse_amount=Funding.purse_amount + 100))
    db.session.commit()
    site.simulator.complete_checkout(session_id)
    return challenge, session_id


def test_a_payment_for_the_wrong_amount_is_refunded_once_and_the_sponsor_can_pay_again(
    local_site: Site,
) -> None:
    challenge, session_id = _paid_for_an_old_amount(local_site)
    (completed,) = delivered(local_site.simulator, "checkout.session.completed")

    local_site.simulator.redeliver(completed["id"])  # the same event again
    again = event_about("checkout.session.completed", completed["data"]["object"])
    assert post_event(local_site.client, again, local_site.webhook_secret).status_code == 200

    (charge,) = local_site.simulator.objects("charge")
    (at_stripe,) = local_site.simulator.objects("refund")
    assert (at_stripe["charge"], at_stripe["amount"]) == (charge["id"], PURSE + FEE)
    db.session.rollback()
    (refund,) = db.session.scalars(sa.select(Refund))
    assert (refund.status, refund.stripe_refund_id) == (RefundStatus.SUCCEEDED, at_stripe["id"])
    assert "amount mismatch" in refund.reason and str(PURSE + FEE) in refund.reason
    assert at_stripe["metadata"]["refund_id"] == str(refund.id)
    (funding,) = fundings_of(challenge)
    assert "Amount mismatch" in funding.failure_reason
    assert reloaded(challenge).published_at is None and ledger_of(challenge) == {}

    admin = make_user("root", admin=True)
    admin_client = local_site.new_client()
    log_in(admin_client, admin)
    alerts = admin_client.get("/admin").get_data(as_text=True)
    assert "refunded for a wrong amount" in alerts
    assert challenge.title in alerts and format_amount(PURSE + FEE, "USD") in alerts

    retry = session_id_of(start_funding(local_site.client, challenge))

    assert retry != session_id
    local_site.simulator.complete_checkout(retry)
    assert reloaded(challenge).published_at is not None
    assert ledger_of(challenge)["funded"] == [PURSE]
    assert len(local_site.simulator.objects("refund")) == 1

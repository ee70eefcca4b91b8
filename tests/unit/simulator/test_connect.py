"""Connect: Express accounts, onboarding links, account webhooks and transfers."""

from __future__ import annotations

import pytest
import stripe

from payments.simulator import StripeSimulator
from tests.unit.simulator.conftest import CONNECT_SECRET, Inbox


def _account(client: stripe.StripeClient) -> stripe.Account:
    return client.v1.accounts.create(
        {
            "type": "express",
            "country": "US",
            "email": "solver@example.com",
            "capabilities": {"transfers": {"requested": True}},
            "metadata": {"user_id": "42"},
        }
    )


def test_new_express_account_cannot_receive_transfers_yet(client: stripe.StripeClient) -> None:
    account = _account(client)

    assert account.id.startswith("acct_")
    assert (account.details_submitted, account.charges_enabled, account.payouts_enabled) == (
        False,
        False,
        False,
    )
    assert account.capabilities.to_dict() == {"transfers": "inactive"}
    assert account.requirements.currently_due
    assert account.requirements.disabled_reason == "requirements.past_due"
    assert account.metadata.to_dict() == {"user_id": "42"}
    assert client.v1.accounts.retrieve(account.id).email == "solver@example.com"


def test_every_account_link_is_a_new_onboarding_url(client: stripe.StripeClient) -> None:
    account = _account(client)
    params: stripe.AccountLinkCreateParams = {
        "account": account.id,
        "refresh_url": "http://openprize.test/account/payouts?refresh=1",
        "return_url": "http://openprize.test/account/payouts",
        "type": "account_onboarding",
    }

    first = client.v1.account_links.create(params)
    second = client.v1.account_links.create(params)

    assert first.object == "account_link"
    prefix = f"http://openprize.test/payments/simulated/onboarding/{account.id}?link=link_"
    assert first.url.startswith(prefix)
    assert first.url != second.url
    assert first.expires_at > first.created


def test_completed_onboarding_activates_transfers_and_notifies_connect_endpoint(
    client: stripe.StripeClient, simulator: StripeSimulator, inbox: Inbox
) -> None:
    account = _account(client)

    simulator.complete_onboarding(account.id)

    [(endpoint, payload, signature)] = inbox.deliveries
    assert endpoint == "connect"
    event = stripe.Webhook.construct_event(payload, signature, CONNECT_SECRET)
    assert (event.type, event.account) == ("account.updated", account.id)
    assert event.data.previous_attributes.details_submitted is False
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, signature, "whsec_test_platform")
    fresh = client.v1.accounts.retrieve(account.id)
    assert (fresh.details_submitted, fresh.charges_enabled, fresh.payouts_enabled) == (
        True,
        True,
        True,
    )
    assert fresh.capabilities.transfers == "active"
    assert fresh.requirements.currently_due == []


def test_stripe_asking_for_more_information_stops_transfers_until_onboarding_again(
    client: stripe.StripeClient, simulator: StripeSimulator, inbox: Inbox
) -> None:
    account = _account(client)
    simulator.complete_onboarding(account.id)

    simulator.request_information(account.id, ["individual.verification.document"])

    event = inbox.verified("connect")[-1]
    assert (event.type, event.account) == ("account.updated", account.id)
    fresh = client.v1.accounts.retrieve(account.id)
    assert (fresh.capabilities.transfers, fresh.payouts_enabled) == ("inactive", False)
    assert fresh.requirements.currently_due == ["individual.verification.document"]
    assert fresh.details_submitted is True
    simulator.complete_onboarding(account.id)
    assert client.v1.accounts.retrieve(account.id).capabilities.transfers == "active"


def test_deauthorized_account_is_no_longer_reachable(
    client: stripe.StripeClient, simulator: StripeSimulator, inbox: Inbox
) -> None:
    account = _account(client)
    simulator.complete_onboarding(account.id)

    simulator.deauthorize(account.id)

    event = inbox.verified("connect")[-1]
    assert (event.type, event.account) == ("account.application.deauthorized", account.id)
    with pytest.raises(stripe.PermissionError):
        client.v1.accounts.retrieve(account.id)


def test_transfer_to_an_active_account_from_a_paid_charge(
    client: stripe.StripeClient,
    paid_charge: stripe.Charge,
    active_account: stripe.Account,
    inbox: Inbox,
) -> None:
    inbox.deliveries.clear()
    transfer = client.v1.transfers.create(
        {
            "amount": 6_000,
            "currency": "usd",
            "destination": active_account.id,
            "transfer_group": "challenge_1",
            "source_transaction": paid_charge.id,
            "metadata": {"payout_id": "9"},
        },
        {"idempotency_key": "payout:9"},
    )

    assert transfer.id.startswith("tr_")
    assert (transfer.amount, transfer.currency, transfer.destination) == (
        6_000,
        "usd",
        active_account.id,
    )
    assert (transfer.reversed, transfer.amount_reversed) == (False, 0)
    assert (transfer.transfer_group, transfer.source_transaction) == ("challenge_1", paid_charge.id)
    assert client.v1.transfers.retrieve(transfer.id).metadata.payout_id == "9"
    [event] = inbox.verified("platform")
    assert (event.type, event.data.object.id) == ("transfer.created", transfer.id)
    assert event.request.idempotency_key == "payout:9"


def test_transfer_to_an_account_without_active_transfers_is_refused(
    client: stripe.StripeClient, simulator: StripeSimulator
) -> None:
    account = _account(client)
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.transfers.create(
            {"amount": 100, "currency": "usd", "destination": account.id},
        )
    assert excinfo.value.code == "insufficient_capabilities_for_transfer"
    assert simulator.objects("transfer") == []


def test_transfers_cannot_exceed_what_the_charge_has_left(
    client: stripe.StripeClient, paid_charge: stripe.Charge, active_account: stripe.Account
) -> None:
    params: stripe.TransferCreateParams = {
        "amount": 5_000,
        "currency": "usd",
        "destination": active_account.id,
        "source_transaction": paid_charge.id,
    }
    client.v1.transfers.create(params)
    client.v1.refunds.create({"charge": paid_charge.id, "amount": 2_000})

    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.transfers.create({**params, "amount": 3_001})
    assert excinfo.value.code == "balance_insufficient"

    assert client.v1.transfers.create({**params, "amount": 3_000}).amount == 3_000


def test_reversed_transfer_is_reported_and_frees_the_charge(
    client: stripe.StripeClient,
    simulator: StripeSimulator,
    paid_charge: stripe.Charge,
    active_account: stripe.Account,
    inbox: Inbox,
) -> None:
    params: stripe.TransferCreateParams = {
        "amount": 10_000,
        "currency": "usd",
        "destination": active_account.id,
        "source_transaction": paid_charge.id,
    }
    transfer = client.v1.transfers.create(params)

    simulator.reverse_transfer(transfer.id)

    assert inbox.types()[-1] == "transfer.reversed"
    reversed_ = client.v1.transfers.retrieve(transfer.id)
    assert (reversed_.reversed, reversed_.amount_reversed) == (True, 10_000)
    assert client.v1.transfers.create(params).amount == 10_000


def test_transfers_list_filters_by_group_newest_first_and_paginates(
    client: stripe.StripeClient, paid_charge: stripe.Charge, active_account: stripe.Account
) -> None:
    made = [
        client.v1.transfers.create(
            {
                "amount": 100 + n,
                "currency": "usd",
                "destination": active_account.id,
                "transfer_group": "challenge_1" if n % 2 == 0 else "challenge_2",
            }
        ).id
        for n in range(7)
    ]
    group_one = [made[n] for n in (6, 4, 2, 0)]

    page = client.v1.transfers.list({"transfer_group": "challenge_1", "limit": 3})

    assert page.object == "list" and page.url == "/v1/transfers"
    assert [t.id for t in page.data] == group_one[:3] and page.has_more
    following = client.v1.transfers.list(
        {"transfer_group": "challenge_1", "limit": 3, "starting_after": page.data[-1].id}
    )
    assert [t.id for t in following.data] == group_one[3:] and not following.has_more
    everything = client.v1.transfers.list({"transfer_group": "challenge_1", "limit": 2})
    assert [t.id for t in everything.auto_paging_iter()] == group_one

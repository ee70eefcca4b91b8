"""Errors as the SDK sees them: injected faults, retries with idempotency keys, auth and 404s."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import stripe

from payments.simulator import StripeSimulator
from tests.unit.simulator.conftest import session_params

ClientFactory = Callable[..., stripe.StripeClient]


def _transfer_params(account: stripe.Account, charge: stripe.Charge) -> stripe.TransferCreateParams:
    return {
        "amount": 2_500,
        "currency": "usd",
        "destination": account.id,
        "transfer_group": "challenge_1",
        "source_transaction": charge.id,
        "metadata": {"payout_id": "1"},
    }


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_surfaces_as_api_error(
    client: stripe.StripeClient, simulator: StripeSimulator, status: int
) -> None:
    simulator.fail_next("POST", "/v1/checkout/sessions", status=status)

    with pytest.raises(stripe.APIError) as excinfo:
        client.v1.checkout.sessions.create(session_params())

    assert excinfo.value.http_status == status
    assert simulator.objects("checkout.session") == []
    assert client.v1.checkout.sessions.create(session_params()).status == "open"


def test_rate_limit_surfaces_as_rate_limit_error(
    client: stripe.StripeClient, simulator: StripeSimulator
) -> None:
    simulator.fail_next("GET", "/v1/transfers", status=429, count=2)
    for _ in range(2):
        with pytest.raises(stripe.RateLimitError) as excinfo:
            client.v1.transfers.list()
        # the SDK does not copy ``code`` onto RateLimitError; it is in the JSON body
        assert excinfo.value.json_body == {
            "error": {
                "type": "invalid_request_error",
                "message": "Too many requests hit the API too quickly.",
                "code": "rate_limit",
            }
        }
    assert client.v1.transfers.list().data == []


def test_faults_match_method_and_path_prefix_only(
    client: stripe.StripeClient, simulator: StripeSimulator
) -> None:
    simulator.fail_next("POST", "/v1/transfers", status=500)
    assert client.v1.transfers.list().data == []
    client.v1.accounts.create({"type": "express"})
    with pytest.raises(stripe.APIError):
        client.v1.transfers.create({"amount": 1, "currency": "usd", "destination": "acct_x"})


def test_dropped_connection_is_a_network_error_in_process_and_a_504_on_loopback(
    client: stripe.StripeClient, simulator: StripeSimulator, transport: str
) -> None:
    simulator.fail_next("POST", "/v1/accounts", status=0)
    expected = stripe.APIConnectionError if transport == "in_process" else stripe.APIError

    with pytest.raises(expected):
        client.v1.accounts.create({"type": "express"})


@pytest.mark.parametrize("status", [500, 0])
def test_sdk_retry_with_the_same_key_creates_exactly_one_transfer_when_the_reply_was_lost(
    make_client: ClientFactory,
    simulator: StripeSimulator,
    paid_charge: stripe.Charge,
    active_account: stripe.Account,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
) -> None:
    monkeypatch.setattr(stripe.HTTPClient, "INITIAL_DELAY", 0)  # loopback client back-off
    retrying = make_client(max_network_retries=2)
    simulator.fail_next("POST", "/v1/transfers", status=status, after_processing=True)

    transfer = retrying.v1.transfers.create(
        _transfer_params(active_account, paid_charge), {"idempotency_key": "payout:1"}
    )

    [stored] = simulator.objects("transfer")
    assert transfer.id == stored["id"]
    assert transfer.last_response is not None
    assert transfer.last_response.headers["idempotent-replayed"] == "true"
    assert [e["type"] for e in simulator.events()].count("transfer.created") == 1


def test_without_retries_a_lost_reply_is_an_error_but_the_transfer_exists(
    client: stripe.StripeClient,
    simulator: StripeSimulator,
    paid_charge: stripe.Charge,
    active_account: stripe.Account,
) -> None:
    params = _transfer_params(active_account, paid_charge)
    simulator.fail_next("POST", "/v1/transfers", status=500, after_processing=True)
    with pytest.raises(stripe.APIError):
        client.v1.transfers.create(params, {"idempotency_key": "payout:1"})

    [stored] = simulator.objects("transfer")
    assert client.v1.transfers.create(params, {"idempotency_key": "payout:1"}).id == stored["id"]
    listed = client.v1.transfers.list({"transfer_group": "challenge_1"})
    assert [t.metadata.payout_id for t in listed.data] == ["1"]


def test_unknown_id_is_invalid_request_404(client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as excinfo:
        client.v1.transfers.retrieve("tr_doesnotexist")
    error = excinfo.value
    assert (error.http_status, error.code, error.param) == (404, "resource_missing", "id")
    assert error.user_message == "No such transfer: 'tr_doesnotexist'"


@pytest.mark.parametrize("api_key", ["sk_live_realkey", "pk_test_publishable"])
def test_non_test_secret_keys_are_refused(make_client: ClientFactory, api_key: str) -> None:
    with pytest.raises(stripe.AuthenticationError):
        make_client(api_key=api_key).v1.accounts.create({"type": "express"})

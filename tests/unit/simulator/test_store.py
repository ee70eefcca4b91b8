"""One Stripe for many processes: simulators on the same SQLite file share everything."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from pathlib import Path

import stripe

from payments.simulator import StripeSimulator
from tests.unit.simulator.conftest import API_KEY, SimulatorHTTPClient


def _client(simulator: StripeSimulator) -> stripe.StripeClient:
    return stripe.StripeClient(API_KEY, http_client=SimulatorHTTPClient(simulator))


def _onboard_and_fail_next(store_path: str, account_id: str) -> None:
    """Runs in another OS process."""
    simulator = StripeSimulator(store_path=store_path)
    simulator.complete_onboarding(account_id)
    simulator.fail_next("POST", "/v1/transfers", status=503)


def test_two_instances_on_one_file_see_each_others_objects_and_keys(tmp_path: Path) -> None:
    path = str(tmp_path / "stripe.sqlite3")
    first, second = StripeSimulator(store_path=path), StripeSimulator(store_path=path)

    created = _client(first).v1.accounts.create({"type": "express"}, {"idempotency_key": "a"})

    assert _client(second).v1.accounts.retrieve(created.id).id == created.id
    again = _client(second).v1.accounts.create({"type": "express"}, {"idempotency_key": "a"})
    assert again.id == created.id
    assert [a["id"] for a in second.objects("account")] == [created.id]


def test_another_process_changes_state_and_faults_on_the_shared_file(tmp_path: Path) -> None:
    path = str(tmp_path / "stripe.sqlite3")
    simulator = StripeSimulator(store_path=path)
    client = _client(simulator)
    account = client.v1.accounts.create(
        {"type": "express", "capabilities": {"transfers": {"requested": True}}}
    )

    child = multiprocessing.get_context("spawn").Process(
        target=_onboard_and_fail_next, args=(path, account.id)
    )
    child.start()
    child.join(timeout=30)

    assert child.exitcode == 0
    assert client.v1.accounts.retrieve(account.id).capabilities.transfers == "active"
    assert [e["type"] for e in simulator.events()] == ["account.updated"]
    params: stripe.TransferCreateParams = {
        "amount": 1,
        "currency": "usd",
        "destination": account.id,
    }
    try:
        client.v1.transfers.create(params)
    except stripe.APIError as error:
        assert error.http_status == 503
    else:
        raise AssertionError("the fault set by the other process did not apply")


def test_concurrent_retries_with_one_key_create_one_object(
    make_client: Callable[..., stripe.StripeClient], simulator: StripeSimulator
) -> None:
    client = make_client()
    ids: list[str] = []
    in_use: list[str] = []

    def create() -> None:
        try:
            ids.append(client.v1.accounts.create({"type": "express"}, {"idempotency_key": "k"}).id)
        except stripe.APIError as error:  # another request with the key was still running
            code = (error.json_body or {})["error"]["code"]
            assert (error.http_status, code) == (409, "idempotency_key_in_use")
            in_use.append(code)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(ids)) == 1 and len(ids) + len(in_use) == 8
    assert len(simulator.objects("account")) == 1

"""The /_sim control endpoints drive a simulator served on a port from another process."""

from __future__ import annotations

import requests
import stripe

from tests.unit.simulator.conftest import API_KEY, session_params

AUTH = {"Authorization": f"Bearer {API_KEY}"}


def test_controls_over_http_complete_checkout_and_list_events(served: str) -> None:
    base = served
    client = stripe.StripeClient(API_KEY, base_addresses={"api": base, "connect": base})
    session = client.v1.checkout.sessions.create(session_params())

    answer = requests.post(
        f"{base}/_sim/complete_checkout",
        json={"session_id": session.id, "outcome": "paid"},
        headers=AUTH,
        timeout=5,
    )

    assert answer.status_code == 200
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"
    events = requests.get(f"{base}/_sim/events", headers=AUTH, timeout=5).json()["data"]
    assert [e["type"] for e in events] == ["checkout.session.completed"]
    sessions = requests.get(f"{base}/_sim/objects/checkout.session", headers=AUTH, timeout=5)
    assert [s["id"] for s in sessions.json()["data"]] == [session.id]


def test_control_errors_answer_in_stripes_shape(served: str) -> None:
    base = served

    unknown_id = requests.post(
        f"{base}/_sim/complete_onboarding", json={"account_id": "acct_x"}, headers=AUTH, timeout=5
    )
    bad_args = requests.post(f"{base}/_sim/fail_next", json={"nope": 1}, headers=AUTH, timeout=5)
    unknown = requests.post(f"{base}/_sim/drop_tables", json={}, headers=AUTH, timeout=5)
    anonymous = requests.get(f"{base}/_sim/events", timeout=5)

    assert unknown_id.status_code == 404
    assert unknown_id.json()["error"]["code"] == "resource_missing"
    assert bad_args.status_code == 400
    assert unknown.status_code == 404
    assert anonymous.status_code == 401

"""Connect onboarding services: intent first, one account per user, state from Stripe."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from accounts.models import User
from core.db import db
from core.errors import Conflict
from payments.connect import onboarding as connect
from payments.connect.models import ConnectedAccount, PayoutState
from payments.gateway import GatewayError, gateway
from tests.factories import make_user

URLS = {
    "return_url": "http://openprize.test/account/payouts/return",
    "refresh_url": "http://openprize.test/account/payouts/refresh",
}


def start(user: User, country: str | None = "US") -> str:
    return connect.start_onboarding(actor=user, country=country, **URLS)


def fresh(user: User) -> ConnectedAccount:
    db.session.rollback()
    row = connect.account_for(user)
    assert row is not None
    return row


def accounts_at_stripe() -> list[dict[str, Any]]:
    return gateway().simulator.objects("account")


def test_intent_row_is_committed_before_stripe_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    user = make_user()
    seen: list[Any] = []
    original = gateway().create_connected_account

    def create(**kwargs: Any) -> Any:
        with db.engine.connect() as other:  # what another request would see
            seen.append(
                other.execute(sa.text("SELECT id, stripe_account_id FROM connected_accounts")).all()
            )
        seen.append(kwargs["idempotency_key"])
        return original(**kwargs)

    monkeypatch.setattr(gateway(), "create_connected_account", create)

    start(user)

    row = fresh(user)
    assert seen == [[(row.id, None)], f"connect:{row.id}"]


def test_starting_twice_keeps_one_account_and_mints_two_links() -> None:
    user = make_user()

    first, second = start(user), start(user, country=None)

    assert first != second
    (account,) = accounts_at_stripe()
    assert account["metadata"] == {
        "user_id": str(user.id),
        "connected_account_id": str(fresh(user).id),
    }
    assert fresh(user).stripe_account_id == account["id"]
    assert f"/payments/simulated/onboarding/{account['id']}?link=" in first


def test_transfers_ready_follows_onboarding_and_disconnection() -> None:
    user, other = make_user(), make_user()
    start(user)
    account_id = fresh(user).stripe_account_id
    assert account_id is not None and not connect.transfers_ready(user.id)

    gateway().simulator.complete_onboarding(account_id)  # delivered to the Connect endpoint

    assert connect.transfers_ready(user.id) and not connect.transfers_ready(other.id)
    gateway().simulator.deauthorize(account_id)
    assert not connect.transfers_ready(user.id)
    assert fresh(user).state == PayoutState.DISCONNECTED


def test_refresh_status_records_a_disconnection_stripe_reports_on_fetch() -> None:
    user = make_user()
    start(user)
    account_id = fresh(user).stripe_account_id
    gateway().simulator.deliver = None  # the webhook never arrives
    gateway().simulator.deauthorize(account_id)
    assert fresh(user).deauthorized_at is None

    row = connect.refresh_status(actor=user)

    assert row is not None and row.deauthorized_at is not None
    assert fresh(user).state == PayoutState.DISCONNECTED
    with pytest.raises(Conflict, match="Start setting up payouts"):
        connect.refresh_onboarding(actor=user, **URLS)


def test_sync_of_an_account_that_is_not_ours_changes_nothing() -> None:
    user = make_user()
    start(user)
    stranger = gateway().create_connected_account(
        country="US", email="x@example.org", idempotency_key="elsewhere"
    )
    gateway().simulator.complete_onboarding(stranger.id)

    assert connect.sync_account(stranger.id) is None
    assert fresh(user).state == PayoutState.DETAILS_NEEDED
    assert not connect.transfers_ready(user.id)


def test_changing_country_before_the_account_exists_uses_a_new_key() -> None:
    user = make_user()
    gateway().simulator.fail_next("POST", "/v1/accounts", status=0, count=5)
    with pytest.raises(Conflict, match="Stripe did not answer"):
        start(user, "GB")
    assert fresh(user).idempotency_key == f"connect:{fresh(user).id}"

    start(user, "CA")

    row = fresh(user)
    assert row.country == "CA" and row.attempt == 2
    (account,) = accounts_at_stripe()
    assert account["country"] == "CA" and row.stripe_account_id == account["id"]


def test_a_concurrent_request_with_the_same_key_is_not_taken_for_a_refusal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = make_user()

    def busy(**kwargs: Any) -> Any:
        raise GatewayError("in progress", definite=True, code="idempotency_key_in_use")

    monkeypatch.setattr(gateway(), "create_connected_account", busy)
    with pytest.raises(Conflict, match="Stripe did not answer"):
        start(user)
    monkeypatch.undo()

    assert fresh(user).attempt == 1  # the next click replays the same key
    start(user)
    assert len(accounts_at_stripe()) == 1


def test_an_unknown_country_is_refused_before_anything_is_written() -> None:
    user = make_user()

    with pytest.raises(Conflict, match="Choose a country"):
        start(user, "XX")

    assert connect.account_for(user) is None and accounts_at_stripe() == []


def test_due_fields_read_as_words_once_each() -> None:
    row = ConnectedAccount(
        requirements_due="individual.dob.day,individual.dob.month,external_account,company.tax_id"
    )

    assert connect.due_in_words(row) == ["date of birth", "a bank account for payouts", "tax id"]


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({}, PayoutState.NOT_SET_UP),
        ({"stripe_account_id": "acct_1"}, PayoutState.DETAILS_NEEDED),
        ({"stripe_account_id": "acct_1", "details_submitted": True}, PayoutState.VERIFYING),
        (
            {"stripe_account_id": "acct_1", "details_submitted": True, "requirements_due": "x"},
            PayoutState.DETAILS_NEEDED,
        ),
        (
            {"stripe_account_id": "acct_1", "transfers_active": True, "payouts_enabled": True},
            PayoutState.READY,
        ),
        (
            {"stripe_account_id": "acct_1", "deauthorized_at": datetime(2026, 1, 1, tzinfo=UTC)},
            PayoutState.DISCONNECTED,
        ),
    ],
)
def test_payout_state_in_plain_terms(fields: dict[str, Any], state: PayoutState) -> None:
    row = ConnectedAccount(
        **{
            "details_submitted": False,
            "transfers_active": False,
            "payouts_enabled": False,
            "requirements_due": "",
            **fields,
        }
    )

    assert row.state == state


@pytest.mark.parametrize(
    "change",
    [
        {"deauthorized_at": datetime(2026, 1, 1, tzinfo=UTC), "transfers_active": True},
        {"stripe_account_id": None, "payouts_enabled": True},
        {"country": "U"},
    ],
    ids=["disconnected_but_active", "enabled_without_account", "country_code"],
)
def test_database_refuses_contradictory_account_state(change: dict[str, Any]) -> None:
    user = make_user()
    row = ConnectedAccount(user_id=user.id, stripe_account_id="acct_1Test")
    db.session.add(row)
    db.session.commit()

    for name, value in change.items():
        setattr(row, name, value)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_user_with_a_payout_account_cannot_be_deleted_silently() -> None:
    user = make_user()
    db.session.add(ConnectedAccount(user_id=user.id))
    db.session.commit()

    db.session.delete(user)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()

"""Idempotency keys are unique per installation, not per database: every key sent to Stripe
starts with an id this install keeps in its database, so two installs (or a database made
again) on one Stripe account never get each other's answers for ``payout:1``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from app import create_app
from core import schema_migrations
from core.db import db
from payments.gateway import gateway
from payments.install import install_id
from payments.models import Installation
from payments.payouts import worker
from payments.payouts.worker import run_payouts
from tests.functional.payouts_helpers import (
    HeldDeliveries,
    approve,
    fresh,
    judged_and_funded,
    onboard,
    payouts,
    transfers,
)
from tests.migration_support import fresh_database


@contextmanager
def _install(database_url: str, tmp_path: Path, name: str, store: str) -> Iterator[Flask]:
    """A fresh database migrated as a new install would be, on the shared simulated Stripe."""
    with fresh_database(database_url, tmp_path / name) as url:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": url,
                "STRIPE_SIMULATOR_STORE": store,
            }
        )
        with app.app_context():
            schema_migrations.upgrade()
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


def test_two_installs_on_one_stripe_account_never_share_a_key(
    database_url: str, tmp_path: Path
) -> None:
    store = str(tmp_path / "one-stripe-account.sqlite3")
    made: dict[str, tuple[str, str, str]] = {}
    for name in ("first", "second"):
        (tmp_path / name).mkdir()
        with ExitStack() as stack:
            stack.enter_context(_install(database_url, tmp_path, name, store))
            account = gateway().create_connected_account(
                country="US", email=f"{name}@example.org", idempotency_key="connect:1"
            )
            made[name] = (install_id(), gateway().full_key("payout:1"), account.id)
    (first_id, first_key, first_account), (second_id, second_key, second_account) = made.values()
    assert first_id != second_id
    assert first_key == f"{first_id}:payout:1" and second_key == f"{second_id}:payout:1"
    assert first_account != second_account  # the second install's account is its own


def test_a_payout_in_flight_when_the_install_got_its_id_is_retried_with_its_first_key(
    app: Flask,
) -> None:
    example, funding = judged_and_funded()
    approve(example)
    payout = payouts()[0]
    account = onboard(payout.user_id)
    # Before the upgrade: the worker claimed the payout, Stripe made the transfer under the
    # key as it was then (no prefix), and both the answer and the webhook were lost.
    assert worker._claim(payout.id, account)
    row = fresh(payout.id)
    held = HeldDeliveries()
    gateway().create_transfer(
        amount=row.amount,
        currency=row.currency,
        destination=account,
        transfer_group=f"challenge_{row.challenge_id}",
        source_transaction=funding.charge_id,
        metadata={"payout_id": str(row.id), "challenge_id": str(row.challenge_id)},
        idempotency_key=f"payout:{row.id}",
        key_as_first_sent=True,
    )
    held.held.clear()
    # The upgrade gave the install its id and kept the keys of the payouts it found.
    db.session.execute(sa.update(Installation).values(legacy_payouts_upto=row.id))
    db.session.commit()

    assert run_payouts().paid == 1  # the retry gets Stripe's first answer back

    (transfer,) = transfers()
    assert fresh(row.id).stripe_transfer_id == transfer["id"]

"""This installation's id, the prefix of every Stripe idempotency key (``op…:payout:1``)."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from core.db import db, utcnow
from payments.models import Installation


def new_install_id() -> str:
    return f"op{secrets.token_hex(8)}"


def _row() -> Installation:
    """The row the migration stored; made on first use where it is missing (an emptied
    database). Written on a connection of its own and committed at once, whatever the
    caller's transaction does next, so no key is ever sent under an id that is then lost;
    of concurrent first uses, the first insert wins and everyone reads it."""
    found = db.session.get(Installation, 1)
    if found is not None:
        return found
    with db.engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO installations"
                " (id, install_id, legacy_payouts_upto, legacy_refunds_upto, created_at)"
                " VALUES (1, :install_id, 0, 0, :created_at) ON CONFLICT (id) DO NOTHING"
            ),
            {"install_id": new_install_id(), "created_at": utcnow().replace(tzinfo=None)},
        )
    return db.session.get(Installation, 1, populate_existing=True)


def install_id() -> str:
    return _row().install_id


def keeps_first_key(kind: str, row_id: int, key_attempt: int) -> bool:
    """A payout or refund (``kind``) from before the install had an id, on its first key:
    that key goes to Stripe unprefixed, as it first went."""
    if key_attempt != 1:
        return False
    row = _row()
    upto = row.legacy_payouts_upto if kind == "payout" else row.legacy_refunds_upto
    return row_id <= upto

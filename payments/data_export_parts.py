"""The payouts part of a person's data download (see accounts/data_export.py)."""

from __future__ import annotations

import zipfile

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l

from accounts.data_export import register_part, to_json
from accounts.models import User
from challenges.models import Challenge
from core.db import db
from payments.payouts.models import Payout


def write_payouts(user: User, archive: zipfile.ZipFile) -> None:
    rows = db.session.execute(
        sa.select(Payout, Challenge.slug, Challenge.title)
        .join(Challenge, Payout.challenge_id == Challenge.id)
        .where(Payout.user_id == user.id)
        .order_by(Payout.id)
    ).all()
    data = [
        {
            "id": payout.id,
            "challenge": {"slug": slug, "title": title},
            "amount_minor": payout.amount,
            "currency": payout.currency,
            "status": payout.status,
            "failure_reason": payout.failure_reason,
            "stripe_transfer_id": payout.stripe_transfer_id,
            "created_at": payout.created_at,
            "paid_at": payout.paid_at,
        }
        for payout, slug, title in rows
    ]
    archive.writestr("payouts.json", to_json(data))


def register_data_parts(app: Flask) -> None:
    register_part(
        app,
        "payouts",
        _l("payouts.json: your prize payouts; amounts in minor units (cents) with the currency."),
        write_payouts,
    )

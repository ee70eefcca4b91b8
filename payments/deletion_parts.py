"""Account deletion waits for money in flight to or from the person (see accounts/deletion.py)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from accounts.deletion import Obstacle, register_blocker
from accounts.models import User
from challenges.models import Challenge
from core.db import db
from core.money import format_amount
from payments.models import Funding, FundingStatus
from payments.payouts.models import Payout, PayoutStatus


def _payouts_not_final(user: User) -> list[Obstacle]:
    """Payouts still to be paid: pending, processing, failed and not yet re-issued (money the
    platform still owes), or held for an administrator's attention."""
    later = aliased(Payout)
    reissued = (
        sa.select(later.id)
        .where(
            later.award_id == Payout.award_id,
            later.user_id == Payout.user_id,
            later.reissue > Payout.reissue,
        )
        .exists()
    )
    rows = db.session.execute(
        sa.select(Payout, Challenge.title)
        .join(Challenge, Challenge.id == Payout.challenge_id)
        .where(
            Payout.user_id == user.id,
            sa.or_(
                Payout.status.in_([PayoutStatus.PENDING, PayoutStatus.PROCESSING]),
                sa.and_(Payout.status == PayoutStatus.FAILED, ~reissued),
                Payout.needs_attention.is_(True),
            ),
        )
        .order_by(Payout.id)
    ).all()
    return [
        Obstacle(_message(payout, title), url_for("payments.payouts"), _("Your payouts"))
        for payout, title in rows
    ]


def _message(payout: Payout, challenge: str) -> str:
    amount = format_amount(payout.amount, payout.currency)
    if payout.status == PayoutStatus.FAILED:
        text: str = _(
            "Your payout of %(amount)s for %(challenge)s failed and waits to be sent again; we "
            "can delete your account once it is paid (or cancelled).",
            amount=amount,
            challenge=challenge,
        )
    else:
        text = _(
            "You have a payout of %(amount)s in progress for %(challenge)s; we can delete "
            "your account once it is paid (or cancelled).",
            amount=amount,
            challenge=challenge,
        )
    return text


def _fundings_in_flight(user: User) -> list[Obstacle]:
    """A purse the person paid with a method whose outcome is not known yet."""
    rows = db.session.execute(
        sa.select(Funding, Challenge)
        .join(Challenge, Challenge.id == Funding.challenge_id)
        .where(Funding.created_by_id == user.id, Funding.status == FundingStatus.PROCESSING)
        .order_by(Funding.id)
    ).all()
    return [
        Obstacle(
            _(
                "Your payment of %(amount)s for %(challenge)s is still being processed; we can "
                "delete your account once it has arrived (or failed).",
                amount=format_amount(funding.total_amount, funding.currency),
                challenge=challenge.title,
            ),
            url_for("challenges.show", slug=challenge.slug),
            challenge.title,
        )
        for funding, challenge in rows
    ]


def register_deletion_parts(app: Flask) -> None:
    register_blocker(app, "payouts", _payouts_not_final)
    register_blocker(app, "fundings", _fundings_in_flight)

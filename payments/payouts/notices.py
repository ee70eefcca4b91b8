"""E-mails about prize money: set up payouts, your prize is paid, the challenge is settled.

Each is sent after the commit of the state change it reports, by the one caller that made the
change (or, for the sponsor's summary, by whoever wins the conditional update of
``notified_at``), so a replay or a second worker sends nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from accounts.models import User
from challenges.models import Challenge
from challenges.services import tell_sponsor
from core.db import db, utcnow
from core.i18n import recipient_locale
from core.mail import send_mail
from core.money import format_amount
from core.urls import external_url
from judging.results.models import Award
from payments.connect.onboarding import transfers_ready
from payments.payouts.models import (
    Payout,
    PayoutStatus,
    Settlement,
    SettlementReason,
    SettlementStatus,
)


def tell_winners_to_onboard(challenge: Challenge, awards: list[Award]) -> int:
    """A job after the approval: each recipient of these awards who cannot receive
    transfers yet gets one e-mail with the link to ``/account/payouts`` and their amount.
    (The announcement only says that they will be asked; this is the asking.)"""
    rows = db.session.execute(
        sa.select(Payout.user_id, sa.func.sum(Payout.amount))
        .where(Payout.award_id.in_([award.id for award in awards]))
        .group_by(Payout.user_id)
        .order_by(Payout.user_id)
    ).all()
    link = external_url("payments.payouts")
    sent = 0
    for user_id, amount in rows:
        if transfers_ready(user_id):
            continue
        user = db.session.get(User, user_id)
        if user is None:
            continue
        with recipient_locale(user):
            subject = _("Set up payouts to receive your prize: %(title)s", title=challenge.title)
            body = _(
                "You are owed %(amount)s from %(title)s. To receive it, set up payouts with our "
                "payment provider (Stripe): it takes a few minutes, and the prize is sent as "
                "soon as your account is ready.",
                amount=format_amount(int(amount), challenge.currency),
                title=challenge.title,
            )
        send_mail(user.email, subject, f"{body}\n\n{link}\n")
        sent += 1
    return sent


def announce_paid(payout_id: int) -> None:
    """The job written with the payout's paid mark: tell the payee."""
    payout = db.session.get(Payout, payout_id, populate_existing=True)
    if payout is None or payout.status != PayoutStatus.PAID:
        return
    tell_payee_paid(payout)
    db.session.commit()


def tell_payee_paid(payout: Payout) -> None:
    """Write the payee's e-mail (once, by the job of the commit that recorded it paid)."""
    user = db.session.get(User, payout.user_id)
    challenge = db.session.get(Challenge, payout.challenge_id)
    if user is None or challenge is None:
        return
    tier = payout.award.prize_tier.label
    with recipient_locale(user):
        amount = format_amount(payout.amount, payout.currency)
        subject = _("Prize paid: %(amount)s from %(title)s", amount=amount, title=challenge.title)
        body = _(
            "Your share of %(tier)s in %(title)s, %(amount)s, was sent to your Stripe account "
            "(transfer %(transfer)s). Stripe pays it out to your bank on your account's schedule.",
            tier=tier,
            title=challenge.title,
            amount=amount,
            transfer=payout.stripe_transfer_id,
        )
    send_mail(user.email, subject, f"{body}\n\n{external_url('payments.payouts')}\n")


def tell_sponsor_settled(challenge_id: int) -> bool:
    """The sponsor's summary of a settled challenge, sent once: whoever moves ``notified_at``
    from empty (a conditional update) writes the e-mails, committed with the mark."""
    won = db.session.execute(
        sa.update(Settlement)
        .where(
            Settlement.challenge_id == challenge_id,
            Settlement.status == SettlementStatus.SETTLED,
            Settlement.notified_at.is_(None),
        )
        .values(notified_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        return False
    settlement = db.session.scalars(
        sa.select(Settlement).where(Settlement.challenge_id == challenge_id)
    ).one()
    challenge = db.session.get(Challenge, challenge_id)
    # Lazy: ``tell_sponsor`` writes them in each recipient's language (money too).
    subject = _l("Settled: %(title)s", title=challenge.title)
    tell_sponsor(challenge, subject, LazyString(_settled_summary, settlement))
    db.session.commit()  # the notice's mark and its e-mails together
    return True


def _settled_summary(settlement: Settlement) -> str:
    """The sponsor's summary of a settlement, in the current language."""

    def money(amount: int) -> str:
        return format_amount(amount, settlement.currency)

    if settlement.reason == SettlementReason.DECLINED:
        opening = _("No prize was awarded, so the whole purse was refunded to you.")
    else:
        opening = _("Every prize is paid to the winners and the unawarded purse is refunded.")
    lines = [
        opening,
        "",
        _("Purse funded: %(amount)s", amount=money(settlement.funded)),
        _("Awarded and paid to winners: %(amount)s", amount=money(settlement.awarded)),
        _("Refunded to you: %(amount)s", amount=money(settlement.remainder)),
        _("Platform fee (not refunded after results): %(amount)s", amount=money(settlement.fee)),
    ]
    return "\n".join(lines)

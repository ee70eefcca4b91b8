"""Disputes of a funding's charge: ``charge.dispute.created`` freezes the challenge's unpaid
payouts and alerts the platform admins; ``charge.dispute.closed`` releases them when the
dispute is won and keeps them frozen, flagged for an admin, when it is lost.

Handlers run inside ``apply_event`` (deduplicated by event id, one commit). Monotonic per
funding: none → open → won | lost; a late or repeated ``created`` after that changes nothing,
and a ``closed`` that arrives first is applied as it stands. Frozen rows are left alone by
the worker and by reconcile; a transfer Stripe already made is still recorded when its
``transfer.created`` arrives (the money went).
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from accounts.models import User
from challenges.models import Challenge
from core.db import db, utcnow
from core.i18n import recipient_locale
from core.mail import send_mail
from core.money import format_amount
from core.text import plural
from core.urls import external_url
from payments.jobs import alert_admins_later, pay_and_settle_later
from payments.models import DisputeStatus, Funding
from payments.payouts.models import Payout, PayoutStatus

logger = logging.getLogger("openprize.payments")
UNPAID = (PayoutStatus.PENDING, PayoutStatus.PROCESSING)
# Stripe closes a dispute as won, lost, or (an inquiry that never became one) warning_closed.
CLOSED = {"won": DisputeStatus.WON, "warning_closed": DisputeStatus.WON, "lost": DisputeStatus.LOST}


def _funding(dispute: dict[str, Any]) -> Funding | None:
    charge, intent = dispute.get("charge"), dispute.get("payment_intent")
    conditions = [Funding.charge_id == charge] if charge else []
    if intent:
        conditions.append(Funding.payment_intent_id == intent)
    if not conditions:
        return None
    return db.session.scalars(
        sa.select(Funding)
        .where(sa.or_(*conditions))
        .order_by(Funding.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def _freeze(challenge_id: int) -> int:
    return db.session.execute(
        sa.update(Payout)
        .where(
            Payout.challenge_id == challenge_id,
            Payout.status.in_(UNPAID),
            Payout.frozen.is_(False),
        )
        .values(frozen=True, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount


def _still_held(challenge_id: int) -> bool:
    """Another funding of the challenge is disputed (open or lost)."""
    return (
        db.session.scalar(
            sa.select(Funding.id).where(
                Funding.challenge_id == challenge_id,
                Funding.dispute_status.in_([DisputeStatus.OPEN, DisputeStatus.LOST]),
            )
        )
        is not None
    )


def on_dispute_created(dispute: dict[str, Any]) -> str:
    funding = _funding(dispute)
    if funding is None:
        return "ignored: unknown charge"
    if funding.dispute_status is not None:
        return f"no change: dispute already {funding.dispute_status}"
    funding.dispute_id = str(dispute.get("id", ""))
    funding.dispute_status = DisputeStatus.OPEN
    frozen = _freeze(funding.challenge_id)
    logger.warning("funding %s disputed: %s payouts frozen", funding.id, frozen)
    alert_admins_later(funding.id, dispute, frozen)
    return f"dispute open: {plural(frozen, 'payout')} frozen"


def on_dispute_closed(dispute: dict[str, Any]) -> str:
    funding = _funding(dispute)
    if funding is None:
        return "ignored: unknown charge"
    status = CLOSED.get(str(dispute.get("status", "")))
    if status is None:
        return f"ignored: dispute closed as {dispute.get('status')!r}"
    if funding.dispute_status in (DisputeStatus.WON, DisputeStatus.LOST):
        return f"no change: dispute already {funding.dispute_status}"
    funding.dispute_id = str(dispute.get("id", ""))
    funding.dispute_status = status
    challenge_id = funding.challenge_id
    if status == DisputeStatus.LOST:
        frozen = _freeze(challenge_id)  # the ``created`` event may not have arrived
        db.session.execute(
            sa.update(Payout)
            .where(Payout.challenge_id == challenge_id, Payout.frozen.is_(True))
            .values(
                needs_attention=True,
                last_error=f"Dispute {funding.dispute_id} on the funding was lost: held "
                "until an admin decides.",
                updated_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        alert_admins_later(funding.id, dispute, frozen)
        return "dispute lost: payouts stay frozen"
    if _still_held(challenge_id):
        return "dispute won: another funding is still disputed"
    released = db.session.execute(
        sa.update(Payout)
        .where(Payout.challenge_id == challenge_id, Payout.frozen.is_(True))
        .values(frozen=False, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    # Pay the released payouts and settle (PAYOUTS_INLINE; else the scheduled run), by a job.
    pay_and_settle_later(challenge_id=challenge_id, after_response=True)
    return f"dispute won: {released} payouts released"


def alert_admins(funding_id: int, dispute: dict[str, Any], frozen: int) -> None:
    """E-mail every platform admin, each in their language (a job written with the dispute's
    change; ``dispute`` keeps its amount and reason)."""
    funding = db.session.get(Funding, funding_id)
    challenge = db.session.get(Challenge, funding.challenge_id)
    admins = db.session.scalars(
        sa.select(User).where(User.is_admin.is_(True)).order_by(User.id)
    ).all()
    link = external_url("challenges.show", slug=challenge.slug)
    for admin in admins:
        with recipient_locale(admin):
            subject, body = _dispute_mail(funding, challenge, dispute, frozen)
        send_mail(admin.email, subject, f"{body}\n\n{link}\n")


def _dispute_mail(
    funding: Funding, challenge: Challenge, dispute: dict[str, Any], frozen: int
) -> tuple[str, str]:
    """The admins' alert (subject, body), in the current language."""
    amount = format_amount(int(dispute.get("amount") or 0), funding.currency)
    if funding.dispute_status == DisputeStatus.LOST:
        subject = _("Dispute lost on the funding of %(title)s", title=challenge.title)
        body = _(
            "The sponsor's dispute %(dispute)s (%(amount)s) on charge %(charge)s was lost. The "
            "challenge's unpaid payouts stay frozen and are flagged for an admin.",
            dispute=funding.dispute_id,
            amount=amount,
            charge=funding.charge_id,
        )
        return subject, body
    subject = _("Dispute opened on the funding of %(title)s", title=challenge.title)
    body = ngettext(
        "The sponsor disputed charge %(charge)s (%(amount)s, reason: %(reason)s; dispute "
        "%(dispute)s). %(num)d unpaid payout of the challenge is frozen until it closes: won "
        "releases it, lost keeps it frozen. Respond in the Stripe Dashboard.",
        "The sponsor disputed charge %(charge)s (%(amount)s, reason: %(reason)s; dispute "
        "%(dispute)s). %(num)d unpaid payouts of the challenge are frozen until it closes: won "
        "releases them, lost keeps them frozen. Respond in the Stripe Dashboard.",
        frozen,
        charge=funding.charge_id,
        amount=amount,
        reason=dispute.get("reason") or _("not given"),
        dispute=funding.dispute_id,
    )
    return subject, body

"""Platform admins' view of payouts: lists by status, retry now, re-issue a failed payout."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import User
from challenges.models import Challenge
from core import audit
from core.db import db
from core.errors import Conflict, NotFound, ensure
from core.row_paging import RowPagination, page_of_rows
from payments.connect.models import ConnectedAccount
from payments.payouts.inline import settle_after
from payments.payouts.models import Payout, PayoutStatus
from payments.payouts.worker import PayoutRun, run_payouts
from payments.policies import can_manage_payouts


class PayoutFilter(enum.StrEnum):
    WAITING = "waiting"
    PENDING = "pending"
    PROCESSING = "processing"
    PAID = "paid"
    FAILED = "failed"
    ATTENTION = "attention"
    FROZEN = "frozen"


FILTER_WORDS = {
    PayoutFilter.WAITING: _l("Waiting for onboarding"),
    PayoutFilter.PENDING: _l("Pending"),
    PayoutFilter.PROCESSING: _l("Processing"),
    PayoutFilter.PAID: _l("Paid"),
    PayoutFilter.FAILED: _l("Failed"),
    PayoutFilter.ATTENTION: _l("Needs attention"),
    PayoutFilter.FROZEN: _l("Frozen"),
}
# What an empty tab says (whole sentences: word order differs between languages).
FILTER_EMPTY = {
    PayoutFilter.WAITING: _l("No payouts are waiting for onboarding."),
    PayoutFilter.PENDING: _l("No payouts are pending."),
    PayoutFilter.PROCESSING: _l("No payouts are processing."),
    PayoutFilter.PAID: _l("No payouts are paid."),
    PayoutFilter.FAILED: _l("No payouts have failed."),
    PayoutFilter.ATTENTION: _l("No payouts need attention."),
    PayoutFilter.FROZEN: _l("No payouts are frozen."),
}
# A payout row's status as the table shows it.
STATUS_WORDS = {
    PayoutStatus.PENDING: _l("pending"),
    PayoutStatus.PROCESSING: _l("processing"),
    PayoutStatus.PAID: _l("paid"),
    PayoutStatus.FAILED: _l("failed"),
}

_READY = sa.and_(
    ConnectedAccount.stripe_account_id.is_not(None),
    ConnectedAccount.transfers_active.is_(True),
    ConnectedAccount.deauthorized_at.is_(None),
)


def _condition(which: PayoutFilter) -> sa.ColumnElement[bool]:
    unfrozen_pending = sa.and_(Payout.status == PayoutStatus.PENDING, Payout.frozen.is_(False))
    return {
        PayoutFilter.WAITING: sa.and_(unfrozen_pending, sa.not_(_READY)),
        PayoutFilter.PENDING: sa.and_(unfrozen_pending, _READY),
        PayoutFilter.PROCESSING: Payout.status == PayoutStatus.PROCESSING,
        PayoutFilter.PAID: Payout.status == PayoutStatus.PAID,
        PayoutFilter.FAILED: Payout.status == PayoutStatus.FAILED,
        PayoutFilter.ATTENTION: Payout.needs_attention.is_(True),
        PayoutFilter.FROZEN: Payout.frozen.is_(True),
    }[which]


def payouts_query(which: PayoutFilter) -> sa.Select[tuple[Payout, Challenge, User]]:
    """Payouts in one state with their challenge and recipient, newest first (one query)."""
    return (
        sa.select(Payout, Challenge, User)
        .join(Challenge, Challenge.id == Payout.challenge_id)
        .join(User, User.id == Payout.user_id)
        .outerjoin(ConnectedAccount, ConnectedAccount.user_id == Payout.user_id)
        .where(_condition(which))
        .order_by(Payout.created_at.desc(), Payout.id.desc())
    )


def page_of_payouts(which: PayoutFilter, page: int, per_page: int) -> RowPagination:
    return page_of_rows(payouts_query(which), page, per_page)


def counts() -> dict[PayoutFilter, int]:
    """How many payouts each tab holds (one query)."""
    columns = [
        sa.func.coalesce(sa.func.sum(sa.case((_condition(f), 1), else_=0)), 0) for f in PayoutFilter
    ]
    row = db.session.execute(
        sa.select(*columns)
        .select_from(Payout)
        .outerjoin(ConnectedAccount, ConnectedAccount.user_id == Payout.user_id)
    ).one()
    return {f: int(n) for f, n in zip(PayoutFilter, row, strict=True)}


def _payout(payout_id: int, *, lock: bool = False) -> Payout:
    query = sa.select(Payout).where(Payout.id == payout_id)
    if lock:
        query = query.with_for_update()
    payout = db.session.scalars(query.execution_options(populate_existing=True)).first()
    if payout is None:
        raise NotFound(_("There is no such payout."))
    return payout


def retry_payout(*, actor: User, payout_id: int) -> PayoutRun:
    """Run the worker now for the payout's challenge (what cron does, sooner); with
    PAYOUTS_INLINE, settle what it paid, as the app does after paying."""
    ensure(can_manage_payouts(actor), _("Only platform admins can retry payouts."))
    payout = _payout(payout_id)
    challenge_id = payout.challenge_id
    audit.record(actor.id, "payouts.retry", "payout", payout.id)
    db.session.commit()
    run = run_payouts(challenge_id)
    settle_after(run)
    return run


def reissue_payout(*, actor: User, payout_id: int) -> Payout:
    """A failed payout becomes a new pending row (``reissue + 1``, key ``payout:<new id>``);
    the failed row stays as it was. Only the latest row of a recipient's award is re-issued."""
    ensure(can_manage_payouts(actor), _("Only platform admins can re-issue payouts."))
    try:
        failed = _payout(payout_id, lock=True)
        if failed.status != PayoutStatus.FAILED:
            raise Conflict(
                _(
                    "Payout %(id)s is %(status)s: only a failed payout can be re-issued.",
                    id=failed.id,
                    status=STATUS_WORDS.get(failed.status, failed.status),
                )
            )
        if failed.frozen:
            raise Conflict(
                _("Payout %(id)s is frozen by a dispute: release it first.", id=failed.id)
            )
        latest = db.session.scalar(
            sa.select(sa.func.max(Payout.reissue)).where(
                Payout.award_id == failed.award_id, Payout.user_id == failed.user_id
            )
        )
        if latest != failed.reissue:
            raise Conflict(_("Payout %(id)s was already re-issued.", id=failed.id))
        payout = Payout(
            award_id=failed.award_id,
            challenge_id=failed.challenge_id,
            user_id=failed.user_id,
            funding_id=failed.funding_id,
            amount=failed.amount,
            currency=failed.currency,
            reissue=failed.reissue + 1,
        )
        db.session.add(payout)
        db.session.flush()
        payout.idempotency_key = payout.key
        audit.record(
            actor.id, "payouts.reissue", "payout", payout.id, f"re-issue of payout {failed.id}"
        )
        db.session.commit()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise Conflict(_("Payout %(id)s was already re-issued.", id=payout_id)) from error
    except Exception:
        db.session.rollback()
        raise
    return payout

"""Work that must wait for the current transaction's commit: Stripe calls and e-mails.

A state change (a payout recorded paid, a dispute applied) queues its follow-up here, in the
session; whoever commits that transaction runs the queue right after. A rollback forgets it,
so nothing is announced or called for a change that was not written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, SessionTransaction

from core.db import db

logger = logging.getLogger("openprize.payments")
KEY = "payments.after_commit"


def after_commit(action: Callable[[], Any]) -> None:
    db.session.info.setdefault(KEY, []).append(action)


def run_after_commit() -> None:
    """Run what the committed transaction queued; a failing action is logged (the cron
    commands ``flask payouts settle`` and ``flask payouts run`` repeat the work)."""
    actions = db.session.info.pop(KEY, [])
    for action in actions:
        try:
            action()
        except Exception:
            db.session.rollback()
            logger.exception("follow-up %r failed after commit", action)


@sa.event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(KEY, None)

"""Work that must wait for the current transaction's commit: Stripe calls and e-mails.

A state change (a payout recorded paid, a dispute applied) queues its follow-up here, in the
session; whoever commits that transaction runs the queue right after. A rollback forgets it,
so nothing is announced or called for a change that was not written. Stripe calls that a
webhook triggers wait longer still (``after_response``): Stripe wants its answer at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import sqlalchemy as sa
from flask import Response, after_this_request, current_app, g, has_request_context
from sqlalchemy.orm import Session, SessionTransaction

from core.db import db

logger = logging.getLogger("openprize.payments")
KEY = "payments.after_commit"
RESPONSE_KEY = "payments_after_response"


def inline_enabled() -> bool:
    """PAYOUTS_INLINE: the web app pays and settles at once instead of leaving it to cron."""
    return bool(current_app.config.get("PAYOUTS_INLINE", True))


def after_commit(action: Callable[[], Any]) -> None:
    db.session.info.setdefault(KEY, []).append(action)


def run_after_commit() -> None:
    """Run what the committed transaction queued; a failing action is logged (the cron
    commands ``flask payouts settle`` and ``flask payouts run`` repeat the work)."""
    _run_logged(db.session.info.pop(KEY, []))


def after_response(action: Callable[[], Any]) -> None:
    """Queue ``action`` to run after the commit and, during a request, after the response is
    sent (in its own app context and database session), so a webhook answers Stripe before
    it calls Stripe; outside a request it runs right after the commit."""
    after_commit(partial(_after_this_response, action))


def _after_this_response(action: Callable[[], Any]) -> None:
    if not has_request_context():
        _run_logged([action])
        return
    pending = g.get(RESPONSE_KEY)
    if pending is None:
        pending = []
        setattr(g, RESPONSE_KEY, pending)
        after_this_request(_run_when_sent)
    pending.append(action)


def _run_when_sent(response: Response) -> Response:
    actions = g.pop(RESPONSE_KEY, [])
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def run() -> None:
        with app.app_context():
            _run_logged(actions)

    response.call_on_close(run)
    return response


def _run_logged(actions: list[Callable[[], Any]]) -> None:
    for action in actions:
        try:
            action()
        except Exception:  # the cron commands repeat the work
            db.session.rollback()
            logger.exception("follow-up %r failed", action)


@sa.event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(KEY, None)

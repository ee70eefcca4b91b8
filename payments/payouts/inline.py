"""What the web app does at once when PAYOUTS_INLINE is on: pay what is due, then settle.

Cron does the same in two commands (``flask payouts run`` pays, ``flask payouts settle``
settles), whatever PAYOUTS_INLINE says. Callers run this after the commit that made payouts
due (approval, a winner's account becoming ready, a won dispute, an admin's retry), and a
webhook only after its response (``payments.deferred.after_response``).
"""

from __future__ import annotations

import logging

from core.db import db
from payments.jobs import inline_enabled
from payments.payouts.settlement import settle_quietly
from payments.payouts.worker import PayoutRun, run_payouts

logger = logging.getLogger("openprize.payments")


def settle_after(run: PayoutRun, challenge_id: int | None = None) -> None:
    """Settle every challenge ``run`` paid a payout of (and ``challenge_id``), when inline."""
    if not inline_enabled():
        return
    for found in sorted(run.paid_challenges | ({challenge_id} if challenge_id else set())):
        settle_quietly(found)


def pay_and_settle(
    *, challenge_id: int | None = None, user_id: int | None = None
) -> PayoutRun | None:
    """When inline: pay the challenge's (or the user's) due payouts, then settle; None when
    not inline. A failure is logged, never raised: the decision that made the payouts due is
    committed, and the scheduled `payouts.run` job catches up."""
    if not inline_enabled():
        return None
    try:
        run = run_payouts(challenge_id, user_id)
    except Exception:
        db.session.rollback()
        logger.exception("inline payout run (challenge %s, user %s) failed", challenge_id, user_id)
        return None
    logger.info("inline payout run (challenge %s, user %s): %s", challenge_id, user_id, run)
    settle_after(run, challenge_id)
    return run

"""Payment work on the job queue: the follow-ups of a change (payouts now due, a refund to
call, an e-mail), written in the change's transaction, and the chores that were cron commands.

Call sites use the ``*_later`` functions; handlers import their modules when they run (those
modules import this one).
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from core.jobs import Job, enqueue, job_kind


def inline_enabled() -> bool:
    """PAYOUTS_INLINE: pay and settle as soon as payouts are due (by a job written with the
    change) instead of leaving it to the scheduled ``payouts.run`` and ``payouts.settle``."""
    return bool(current_app.config.get("PAYOUTS_INLINE", True))


def pay_and_settle_later(
    *, challenge_id: int | None = None, user_id: int | None = None, after_response: bool = False
) -> None:
    """Pay the challenge's (or the user's) due payouts, then settle, when PAYOUTS_INLINE."""
    payload = {"challenge_id": challenge_id, "user_id": user_id}
    enqueue("payouts.pay_and_settle", payload, after_response=after_response)


def settle_later(challenge_id: int) -> None:
    enqueue("payouts.settle_challenge", {"challenge_id": challenge_id})


def refund_later(refund_id: int, *, after_response: bool = False) -> None:
    enqueue("payments.execute_refund", {"refund_id": refund_id}, after_response=after_response)


def announce_paid_later(payout_id: int) -> None:
    enqueue("payouts.announce_paid", {"payout_id": payout_id})


def tell_settled_later(challenge_id: int) -> None:
    enqueue("payouts.tell_sponsor_settled", {"challenge_id": challenge_id})


def tell_winners_to_onboard_later(challenge_id: int, award_ids: list[int]) -> None:
    enqueue("payouts.tell_winners_to_onboard", {"challenge_id": challenge_id, "awards": award_ids})


def alert_admins_later(funding_id: int, dispute: dict[str, Any], frozen: int) -> None:
    kept = {"amount": int(dispute.get("amount") or 0), "reason": str(dispute.get("reason") or "")}
    enqueue("payments.alert_admins", {"funding_id": funding_id, "dispute": kept, "frozen": frozen})


@job_kind("payouts.pay_and_settle")
def _pay_and_settle(job: Job) -> None:
    from payments.payouts.inline import pay_and_settle

    pay_and_settle(challenge_id=job.payload.get("challenge_id"), user_id=job.payload.get("user_id"))


@job_kind("payouts.settle_challenge")
def _settle_challenge(job: Job) -> None:
    from payments.payouts.settlement import settle_challenge

    if inline_enabled():
        settle_challenge(job.payload["challenge_id"])


@job_kind("payments.execute_refund")
def _execute_refund(job: Job) -> None:
    from payments.refunds import execute_refund

    execute_refund(job.payload["refund_id"])


@job_kind("payouts.announce_paid")
def _announce_paid(job: Job) -> None:
    from payments.payouts.notices import announce_paid

    announce_paid(job.payload["payout_id"])


@job_kind("payouts.tell_sponsor_settled")
def _tell_sponsor_settled(job: Job) -> None:
    from payments.payouts.notices import tell_sponsor_settled

    tell_sponsor_settled(job.payload["challenge_id"])


@job_kind("payouts.tell_winners_to_onboard")
def _tell_winners_to_onboard(job: Job) -> None:
    from challenges.models import Challenge
    from core.db import db
    from judging.results.models import Award
    from payments.payouts.notices import tell_winners_to_onboard

    challenge = db.session.get(Challenge, job.payload["challenge_id"])
    awards = [db.session.get(Award, award_id) for award_id in job.payload["awards"]]
    if challenge is not None:
        tell_winners_to_onboard(challenge, [award for award in awards if award is not None])


@job_kind("payments.alert_admins")
def _alert_admins(job: Job) -> None:
    from payments.disputes import alert_admins

    payload = job.payload
    alert_admins(payload["funding_id"], payload["dispute"], payload["frozen"])


# --- What cron ran: every few minutes, from the queue's scheduler -----------------------


@job_kind("payouts.run", schedule="*/10 * * * *")
def _run_payouts(job: Job) -> None:
    """Pay pending payouts whose recipients can receive transfers (``flask payouts run``)."""
    from payments.payouts.worker import run_payouts

    run_payouts(None)


@job_kind("payouts.settle", schedule="5-59/10 * * * *")
def _settle_all(job: Job) -> None:
    """Refund the unawarded purse of fully paid challenges (``flask payouts settle``)."""
    from payments.payouts.settlement import settle_all

    settle_all(None)


@job_kind("payouts.reconcile", schedule="23 * * * *")
def _reconcile(job: Job) -> None:
    """Match stuck payouts with Stripe's transfers (``flask payouts reconcile``)."""
    from payments.payouts.worker import reconcile_payouts

    reconcile_payouts(None)


@job_kind("payments.retry_refunds", schedule="*/15 * * * *")
def _retry_refunds(job: Job) -> None:
    """Retry refunds whose Stripe call did not complete (``flask payments retry-refunds``)."""
    from payments.refunds import retry_pending_refunds

    retry_pending_refunds(older_than=None)

"""How awards stand with their payouts, in words, for judging's pages and the API.

The words are stored nowhere: pages read them in the reader's language, the API in English
(its values).

Views call ``award_status`` once per award shown: the first call for a challenge reads every payout
of that challenge in one query; within a request the answer is kept in ``g``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context
from flask_babel import lazy_gettext as _l

from accounts.policies import is_signed_in
from challenges.models import Challenge, PrizeTier
from core.db import db
from judging.results.models import Award
from payments.connect.models import ConnectedAccount
from payments.payouts.models import Payout, PayoutStatus

WAITING = "waiting for onboarding"
PENDING = "payout pending"
PROCESSING = "processing"
PAID = "paid"
FAILED = "failed"
# The words as people read them (the words above are the API's values).
WORDS = {
    WAITING: _l("waiting for onboarding"),
    PENDING: _l("payout pending"),
    PROCESSING: _l("processing"),
    PAID: _l("paid"),
    FAILED: _l("failed"),
}


def in_words(word: str) -> str:
    """An award's payout word in the current language."""
    label = WORDS.get(word)
    return str(label) if label is not None else word


def _summary(states: list[tuple[str, bool]]) -> str:
    """One award's word from its recipients' (status, account ready) pairs."""
    statuses = {status for status, _ in states}
    if not states:
        return PENDING
    if statuses == {PayoutStatus.PAID}:
        return PAID
    if PayoutStatus.FAILED in statuses:
        return FAILED
    if PayoutStatus.PROCESSING in statuses:
        return PROCESSING
    if any(status == PayoutStatus.PENDING and not ready for status, ready in states):
        return WAITING
    return PENDING


def statuses_for_challenge(challenge_id: int) -> dict[int, str]:
    """Award id → word, for every award of the challenge with payouts (one query). Only each
    recipient's latest row counts (a re-issued payout replaces the failed one)."""
    ready = sa.and_(
        ConnectedAccount.stripe_account_id.is_not(None),
        ConnectedAccount.transfers_active.is_(True),
        ConnectedAccount.deauthorized_at.is_(None),
    )
    rows = db.session.execute(
        sa.select(
            Payout.award_id,
            Payout.user_id,
            Payout.reissue,
            Payout.status,
            sa.case((ready, True), else_=False),
        )
        .outerjoin(ConnectedAccount, ConnectedAccount.user_id == Payout.user_id)
        .where(Payout.challenge_id == challenge_id)
        .order_by(Payout.award_id, Payout.user_id, Payout.reissue)
    ).all()
    latest: dict[tuple[int, int], tuple[str, bool]] = {}
    for award_id, user_id, _, status, is_ready in rows:
        latest[(award_id, user_id)] = (str(status), bool(is_ready))
    by_award: dict[int, list[tuple[str, bool]]] = {}
    for (award_id, _), state in latest.items():
        by_award.setdefault(award_id, []).append(state)
    return {award_id: _summary(states) for award_id, states in by_award.items()}


def award_payout_status(award: Award) -> str:
    if not has_request_context():
        return in_words(statuses_for_challenge(award.challenge_id).get(award.id, PENDING))
    cache: dict[int, dict[int, str]] = g.setdefault("_payout_statuses", {})
    if award.challenge_id not in cache:
        cache[award.challenge_id] = statuses_for_challenge(award.challenge_id)
    return in_words(cache[award.challenge_id].get(award.id, PENDING))


def my_payouts(user: Any) -> list[dict[str, Any]]:
    """The signed-in user's payouts, newest first, for ``payments/_my_payouts.html`` (one
    query; a re-issued payout replaces the failed row it re-issues)."""
    if not is_signed_in(user):
        return []
    rows = db.session.execute(
        sa.select(Payout, Challenge.title, Challenge.slug, PrizeTier.label)
        .join(Award, Award.id == Payout.award_id)
        .join(PrizeTier, PrizeTier.id == Award.prize_tier_id)
        .join(Challenge, Challenge.id == Payout.challenge_id)
        .where(Payout.user_id == user.id)
        .order_by(Payout.created_at.desc(), Payout.award_id, Payout.reissue.desc())
    ).all()
    seen: set[int] = set()
    found = []
    for payout, title, slug, tier in rows:
        if payout.award_id in seen:
            continue
        seen.add(payout.award_id)
        word = {PayoutStatus.PENDING: PENDING, PayoutStatus.PROCESSING: PROCESSING}.get(
            payout.status, str(payout.status)
        )
        if payout.frozen and payout.status == PayoutStatus.PENDING:
            word = "on hold"
        found.append(
            {"payout": payout, "challenge": title, "slug": slug, "tier": tier, "status": word}
        )
    return found

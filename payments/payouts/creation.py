"""Awards become payouts in the approving transaction; the worker runs after the commit.

Judging sends ``awards_approved`` inside ``approve_winners`` before its commit: the handler
here locks the challenge's paid fundings, re-checks that the awards fit the funded purse and
adds one Payout per recipient (each team member by declared share, floor; the remainder cents
to the owner). Raising aborts the approval, awards included.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask_babel import gettext as _

from challenges.models import Challenge
from core.db import db
from core.errors import Conflict
from core.money import format_amount
from judging.results.models import Award
from payments.models import Funding, FundingStatus
from payments.payouts.models import Payout
from submissions.models import FULL_SHARE_BP, Submission, TeamMember, TeamRole

logger = logging.getLogger("openprize.payments")


def split_award(amount: int, members: list[tuple[int, int, bool]], owner_id: int) -> dict[int, int]:
    """``members`` as (user id, share in basis points, is owner): each non-owner gets the floor
    of their share, the owner the rest (their share plus every remainder cent). Users whose
    part is zero get nothing; the parts always add up to ``amount``."""
    owner = next((user for user, _share, is_owner in members if is_owner), owner_id)
    parts: dict[int, int] = {}
    for user, share_bp, _is_owner in members:
        if user != owner:
            parts[user] = amount * share_bp // FULL_SHARE_BP
    rest = amount - sum(parts.values())
    if rest < 0:
        raise Conflict(_("The team's declared shares add up to more than the whole prize."))
    parts[owner] = rest
    return {user: part for user, part in parts.items() if part > 0}


def _paid_fundings(challenge_id: int) -> list[Funding]:
    return list(
        db.session.scalars(
            sa.select(Funding)
            .where(Funding.challenge_id == challenge_id, Funding.status == FundingStatus.PAID)
            .order_by(Funding.sequence)
            .with_for_update()
        )
    )


def _team(submission_ids: set[int]) -> dict[int, list[tuple[int, int, bool]]]:
    rows = db.session.execute(
        sa.select(
            TeamMember.submission_id, TeamMember.user_id, TeamMember.share_bp, TeamMember.role
        )
        .where(TeamMember.submission_id.in_(submission_ids))
        .order_by(TeamMember.id)
    ).all()
    teams: dict[int, list[tuple[int, int, bool]]] = {}
    for submission_id, user_id, share_bp, role in rows:
        teams.setdefault(submission_id, []).append((user_id, share_bp, role == TeamRole.OWNER))
    return teams


def create_payouts(challenge: Challenge, awards: list[Award]) -> list[Payout]:
    """Flush only: the caller's transaction (the approval) commits or rolls back all of it."""
    db.session.flush()  # the awards' ids
    fundings = _paid_fundings(challenge.id)
    funded = sum(f.purse_amount for f in fundings) if fundings else challenge.funded_amount
    awarded = int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(Award.amount), 0)).where(
                Award.challenge_id == challenge.id
            )
        )
    )
    if awarded > funded:
        raise Conflict(
            _(
                "The awards total %(awarded)s but only %(funded)s was funded: nothing was "
                "approved.",
                awarded=format_amount(awarded, challenge.currency),
                funded=format_amount(funded, challenge.currency),
            )
        )
    existing = set(
        db.session.scalars(
            sa.select(Payout.award_id).where(Payout.award_id.in_([a.id for a in awards]))
        )
    )
    owners = dict(
        db.session.execute(
            sa.select(Submission.id, Submission.owner_id).where(
                Submission.id.in_({a.submission_id for a in awards})
            )
        ).all()
    )
    teams = _team(set(owners))
    room = {f.id: f.purse_amount for f in fundings}
    for funding_id, used in db.session.execute(
        sa.select(Payout.funding_id, sa.func.sum(Payout.amount))
        .where(Payout.challenge_id == challenge.id, Payout.status != "failed")
        .group_by(Payout.funding_id)
    ).all():
        if funding_id in room:
            room[funding_id] -= int(used)
    created: list[Payout] = []
    for award in awards:
        if award.id in existing:
            continue  # one set of payouts per award, whatever calls this twice
        members = teams.get(award.submission_id, [])
        for user_id, part in split_award(
            award.amount, members, owners[award.submission_id]
        ).items():
            source = next((fid for fid, left in room.items() if left >= part), None)
            if source is not None:
                room[source] -= part
            payout = Payout(
                award_id=award.id,
                challenge_id=challenge.id,
                user_id=user_id,
                funding_id=source,
                amount=part,
                currency=award.currency,
            )
            db.session.add(payout)
            db.session.flush()
            payout.idempotency_key = payout.key
            created.append(payout)
    db.session.flush()
    return created


def _on_awards_approved(challenge: Challenge, awards: list[Award], **_: Any) -> None:
    create_payouts(challenge, awards)


def _on_awards_announced(challenge: Challenge, awards: list[Award], **_: Any) -> None:
    from payments.jobs import pay_and_settle_later

    pay_and_settle_later(challenge_id=challenge.id)  # in the approval's transaction


def connect_payout_signals(app: Flask) -> None:
    """Receivers are module functions, so connecting again (one app per test) is a no-op."""
    from judging.results.awards import register_award_status
    from judging.results.signals import awards_announced, awards_approved
    from payments.payouts.status import award_payout_status

    awards_approved.connect(_on_awards_approved, weak=False)
    awards_announced.connect(_on_awards_announced, weak=False)
    register_award_status(award_payout_status)

"""Read models for a judge's own pages: their seats with progress and the assignments waiting
first (/judging), one seat's assignments a page at a time, and the invitations to answer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import joinedload

from accounts.models import User
from challenges.models import Challenge
from core.db import db
from judging.models import QUEUE_ORDER, Assignment, AssignmentState, Judge, JudgeStatus

SHOWN = 20  # a seat's assignments on /judging; the seat's own page lists them all
SEAT_PER_PAGE = 50  # assignments per page of a seat's own page


@dataclass
class JudgeWork:
    """One seat on a judge's list: its first ``SHOWN`` standing assignments in queue order
    (what the judge does next first) and how many stand and are done in all."""

    challenge: Challenge
    judge: Judge
    assignments: list[Assignment]
    total: int = 0
    done: int = 0

    @property
    def more(self) -> bool:
        return self.total > len(self.assignments)


def _standing(judge_id: int) -> list[sa.ColumnElement[bool]]:
    return [Assignment.judge_id == judge_id, Assignment.state != AssignmentState.VOID]


def _counts(judge_ids: list[int]) -> dict[int, dict[str, int]]:
    """Standing assignments per seat and state (index-only on PostgreSQL)."""
    rows = db.session.execute(
        sa.select(Assignment.judge_id, Assignment.state, sa.func.count())
        .where(Assignment.judge_id.in_(judge_ids), Assignment.state != AssignmentState.VOID)
        .group_by(Assignment.judge_id, Assignment.state)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for judge_id, state, count in rows:
        counts[judge_id][state] = count
    return counts


def my_judging(user: User) -> list[JudgeWork]:
    """The user's accepted seats, newest first, each with its first ``SHOWN`` standing
    assignments in queue order and its counts: three queries however many seats and
    assignments, and each seat's queue read only as far as it is shown."""
    judges = db.session.scalars(
        sa.select(Judge)
        .options(joinedload(Judge.challenge))
        .where(Judge.user_id == user.id, Judge.status == JudgeStatus.ACCEPTED)
        .order_by(Judge.id.desc())
    ).all()
    if not judges:
        return []
    # One bounded index range per seat in a single statement (SQLite has no LATERAL join).
    firsts = sa.union_all(
        *(
            sa.select(Assignment.id)
            .where(*_standing(judge.id))
            .order_by(*QUEUE_ORDER)
            .limit(SHOWN)
            .subquery()
            .select()
            for judge in judges
        )
    )
    shown = db.session.scalars(
        sa.select(Assignment)
        .where(Assignment.id.in_(firsts))
        .order_by(Assignment.judge_id, *QUEUE_ORDER)
    )
    work = {judge.id: JudgeWork(judge.challenge, judge, []) for judge in judges}
    for assignment in shown:
        work[assignment.judge_id].assignments.append(assignment)
    for judge_id, by_state in _counts(list(work)).items():
        work[judge_id].total = sum(by_state.values())
        work[judge_id].done = by_state.get(AssignmentState.SUBMITTED, 0)
    return list(work.values())


def seat_assignments(judge: Judge, page: int) -> tuple[Pagination, int]:
    """Page ``page`` of the seat's standing assignments in queue order (a page past the end
    is empty), and how many of them are done."""
    pagination = db.paginate(
        sa.select(Assignment).where(*_standing(judge.id)).order_by(*QUEUE_ORDER),
        page=page,
        per_page=SEAT_PER_PAGE,
        error_out=False,
    )
    done = _counts([judge.id])[judge.id].get(AssignmentState.SUBMITTED, 0)
    return pagination, done


def my_invitations(user: User) -> list[Judge]:
    return list(
        db.session.scalars(
            sa.select(Judge)
            .options(joinedload(Judge.challenge))
            .where(Judge.email == user.email, Judge.status == JudgeStatus.INVITED)
            .order_by(Judge.invited_at.desc())
        )
    )

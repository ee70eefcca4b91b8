"""Read models for judging pages: a judge's work across challenges, the sponsor's overview."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa

from accounts.models import User
from challenges.models import Challenge
from core.db import db
from judging.assigning import active_judges, assignments_of, submitted_entry_ids
from judging.models import Assignment, AssignmentState, Judge, JudgeStatus
from judging.panel import panel_of
from submissions.models import Submission


@dataclass
class JudgeWork:
    """One challenge on a judge's list: their standing assignments and how many are done."""

    challenge: Challenge
    judge: Judge
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for a in self.assignments if a.state == AssignmentState.SUBMITTED)


def my_judging(user: User) -> list[JudgeWork]:
    """The user's accepted seats with their standing assignments, newest challenge first."""
    judges = db.session.scalars(
        sa.select(Judge)
        .where(Judge.user_id == user.id, Judge.status == JudgeStatus.ACCEPTED)
        .order_by(Judge.id.desc())
    ).all()
    work = []
    for judge in judges:
        rows = db.session.scalars(
            sa.select(Assignment)
            .where(Assignment.judge_id == judge.id, Assignment.state != AssignmentState.VOID)
            .order_by(Assignment.blind_label)
        ).all()
        work.append(JudgeWork(judge.challenge, judge, list(rows)))
    return work


def my_invitations(user: User) -> list[Judge]:
    return list(
        db.session.scalars(
            sa.select(Judge)
            .where(Judge.email == user.email, Judge.status == JudgeStatus.INVITED)
            .order_by(Judge.invited_at.desc())
        )
    )


@dataclass
class EntryRow:
    submission: Submission
    label: str
    assignments: list[Assignment] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for a in self.assignments if a.state == AssignmentState.SUBMITTED)


@dataclass
class Overview:
    """The sponsor's view: panel, entries with their judges, progress per judge and entry."""

    panel: list[Judge]
    active: list[Judge]
    entries: list[EntryRow]
    per_judge: dict[int, tuple[int, int]]
    void: list[Assignment]


def overview(challenge: Challenge) -> Overview:
    rows = assignments_of(challenge)
    standing: dict[int, list[Assignment]] = defaultdict(list)
    labels: dict[int, str] = {}
    per_judge: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        labels.setdefault(row.submission_id, row.blind_label)
        if row.is_void:
            continue
        standing[row.submission_id].append(row)
        per_judge[row.judge_id][0] += 1
        per_judge[row.judge_id][1] += row.state == AssignmentState.SUBMITTED
    ids = set(submitted_entry_ids(challenge)) | set(standing)
    submissions = db.session.scalars(
        sa.select(Submission).where(Submission.id.in_(ids)).order_by(Submission.id)
    ).all()
    entries = [
        EntryRow(sub, labels.get(sub.id, ""), standing.get(sub.id, [])) for sub in submissions
    ]
    entries.sort(key=lambda entry: (entry.label == "", entry.label, entry.submission.id))
    return Overview(
        panel=panel_of(challenge),
        active=active_judges(challenge),
        entries=entries,
        per_judge={judge: (counts[0], counts[1]) for judge, counts in per_judge.items()},
        void=[row for row in rows if row.is_void],
    )

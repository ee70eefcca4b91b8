"""Judges are assigned when the deadline passes: on the next judging page view, or by a job.

Nothing waits for the sponsor to press "Assign judges": the first judging page opened after
the deadline (the judge's list, the sponsor's dashboard) and ``flask judging assign-due`` run
the same balanced, conflict-free assignment as the button. It runs while the challenge has no
assignment at all, checked again under the challenge's row lock, so two page views at the
same moment make one set. A judge who accepts while judging runs gets the current round's
empty slots at once (what the button would do). The button stays for the sponsor to run the
assignment again, as for later rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa

from challenges.models import Challenge
from challenges.services import lock_challenge
from core import audit
from core.db import db, utcnow
from judging.models import Assignment, Judge, JudgeStatus, Round
from judging.panel.assignments import (
    AssignmentReport,
    active_judges,
    fill_round,
    has_assignments,
    tell_judges,
)
from judging.policies import in_judging_window, judging_window_open
from judging.rounds.entries import round_entry_ids, round_now
from judging.settings import criteria_of
from submissions.models import Submission

AUTO = "judging.auto_assign"


def _ready(challenge: Challenge, now: datetime) -> bool:
    """Judging has begun, nothing is assigned yet, and there is something to assign: a rubric
    (screening needs none), at least one entry in the round and one active judge."""
    if not judging_window_open(challenge, now) or has_assignments(challenge):
        return False
    round_ = round_now(challenge)
    if round_ != Round.SCREENING and not criteria_of(challenge):
        return False
    return bool(round_entry_ids(challenge, round_)) and bool(active_judges(challenge))


def _fill_locked(
    challenge: Challenge, wanted: Callable[[Challenge], bool], note: str = ""
) -> AssignmentReport | None:
    """Under the challenge's row lock (a concurrent run waits here, then sees what this one
    did), fill the current round's empty slots as the sponsor's button does, if ``wanted``
    still holds; ``note`` goes to the audit log. Commits; judges are e-mailed after it."""
    challenge = lock_challenge(challenge.id)
    round_ = round_now(challenge)
    entries = round_entry_ids(challenge, round_)
    judges = active_judges(challenge)
    if not wanted(challenge) or not entries or not judges:
        db.session.rollback()
        return None
    created, kept, shortfall = fill_round(challenge, round_, entries, judges, capped=True)
    report = AssignmentReport(len(created), kept, shortfall, len(entries), len(judges), round_)
    if note:
        audit.record(None, AUTO, "challenge", challenge.id, f"{note}: {report.message}")
    tell_judges(created)
    db.session.commit()
    return report


def assign_when_due(challenge: Challenge, now: datetime | None = None) -> AssignmentReport | None:
    """Assign the first round's judges of ``challenge`` if the deadline has passed and nobody
    has yet; returns what was done, or None. Missing pieces (no rubric, entry or active judge)
    leave it due for a later call."""
    now = now or utcnow()
    if not _ready(challenge, now):
        return None
    return _fill_locked(challenge, lambda locked: _ready(locked, now), "At the deadline")


def assign_joined_judge(challenge: Challenge) -> AssignmentReport | None:
    """A judge accepted a seat: while judging runs, the deadline run if it has not happened
    yet, else the current round's empty slots go to the panel as it now stands (fair shares,
    conflicts excluded), as if the sponsor pressed "Assign judges"."""
    report = assign_when_due(challenge)
    if report is not None or not judging_window_open(challenge) or not has_assignments(challenge):
        return report
    return _fill_locked(challenge, judging_window_open)


def assigned_automatically(challenge: Challenge) -> bool:
    """Whether the deadline run assigned this challenge's judges (for the dashboard's words)."""
    query = sa.select(
        sa.exists().where(
            audit.AuditEntry.action == AUTO,
            audit.AuditEntry.object_type == "challenge",
            audit.AuditEntry.object_id == challenge.id,
        )
    )
    return bool(db.session.scalar(query))


def assign_for_judge(user_id: int, now: datetime | None = None) -> None:
    """Before a judge's list is shown: run the deadline assignment of each challenge where the
    user holds an accepted seat, judging runs and nobody is assigned yet (one query when none
    is due, however many seats)."""
    now = now or utcnow()
    seats = sa.select(Judge.challenge_id).where(
        Judge.user_id == user_id, Judge.status == JudgeStatus.ACCEPTED
    )
    due = sa.select(Challenge).where(
        Challenge.id.in_(seats),
        *in_judging_window(now),
        ~sa.exists().where(
            Assignment.submission_id == Submission.id, Submission.challenge_id == Challenge.id
        ),
    )
    for challenge in db.session.scalars(due).all():
        assign_when_due(challenge, now)


def assign_due_judges(now: datetime | None = None) -> list[tuple[Challenge, AssignmentReport]]:
    """For cron: the deadline assignment of every published challenge in its judging window
    that has no assignment yet. Returns (challenge, report) for each one assigned."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Challenge)
        .where(
            *in_judging_window(now),
            ~sa.exists().where(
                Assignment.submission_id == Submission.id,
                Submission.challenge_id == Challenge.id,
            ),
        )
        .order_by(Challenge.closes_at, Challenge.id)
    ).all()
    done = []
    for challenge in due:
        report = assign_when_due(challenge, now)
        if report is not None:
            done.append((challenge, report))
    return done

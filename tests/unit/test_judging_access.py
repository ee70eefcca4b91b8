"""Judges in the visibility policy: predicate and SQL agree; a void assignment grants nothing."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from challenges.models import Challenge
from core.db import db
from judging import services
from judging.access import judges_blind_to
from judging.models import Assignment, JudgingSettings
from submissions.models import Submission
from submissions.visibility import can_view_submission, visible_condition
from tests.judging_support import judging_world


def _sql_sees(user, submission: Submission, now) -> bool:
    query = (
        sa.select(Submission.id)
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(Submission.id == submission.id, visible_condition(user, now))
    )
    return db.session.scalar(query) is not None


def _both(user, submission: Submission, now=None) -> tuple[bool, bool]:
    now = now or submission.challenge.closes_at + timedelta(seconds=1)
    return can_view_submission(user, submission, now), _sql_sees(user, submission, now)


def test_assigned_judges_see_their_entry_in_both_forms_and_others_do_not() -> None:
    world = judging_world(entry_count=2, judge_count=2, k=1)
    world.challenge.solution_visibility = "sponsor_only"  # nobody but the panel and sponsor
    db.session.commit()
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    row = db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).first()
    mine = db.session.get(Submission, row.submission_id)
    other_entry = next(e for e in world.entries if e.id != mine.id)
    judge = row.judge.user
    assert _both(judge, mine) == (True, True)
    assert _both(judge, other_entry) == (False, False)
    before = mine.challenge.closes_at - timedelta(seconds=1)
    assert _both(judge, mine, before) == (False, False)
    assert judges_blind_to(judge, mine) and not judges_blind_to(world.owner, mine)
    db.session.get(JudgingSettings, world.challenge.id).blind_review = False
    db.session.commit()
    assert not judges_blind_to(judge, mine)
    services.void_for_conflict(actor=judge, assignment=row, reason="My former student.")
    assert _both(judge, mine) == (False, False)

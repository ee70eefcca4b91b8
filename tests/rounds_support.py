"""Builders for round tests: a screening world, verdicts, the calibration worked example."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.db import db
from judging import services
from judging.models import Assignment, AssignmentState, Round
from judging.panel.rubric import CriterionInput
from judging.rounds.advance import set_rounds
from judging.rounds.screening import assign_screeners, record_verdict
from submissions.models import Submission
from tests.judging_support import (
    World,
    move,
    person,
    seat_judge,
    sponsor_world,
    submit_entry,
)

REASON = "Does not address the brief at all."


def screening_world(entries: int = 3, judges: int = 3, conflicts: dict | None = None) -> World:
    """Screening on (set while the challenge is open), solver1.. entries, judge1.. seated."""
    world = sponsor_world(k=2)
    set_rounds(actor=world.owner, challenge=world.challenge, screening=True, finalist_count=None)
    for n in range(1, entries + 1):
        world.entries.append(submit_entry(world.challenge, person(f"solver{n}"), title=f"E{n}"))
    for n in range(1, judges + 1):
        seat_judge(world, person(f"judge{n}"), conflicts=(conflicts or {}).get(n, ""))
    move(world.challenge, "judging")
    return world


def standing(submission: Submission, round_: Round) -> list[Assignment]:
    return list(
        db.session.scalars(
            sa.select(Assignment)
            .where(
                Assignment.submission_id == submission.id,
                Assignment.round == round_,
                Assignment.state != AssignmentState.VOID,
            )
            .order_by(Assignment.id)
        )
    )


def judge_verdict(assignment: Assignment, verdict: str, reason: str = REASON) -> None:
    record_verdict(
        actor=assignment.judge.user, assignment=assignment, verdict=verdict, reason=reason
    )


def screened(world: World) -> None:
    """Entry 1 passes, entry 2 fails twice (out), entry 3 fails then passes."""
    assign_screeners(actor=world.owner, challenge=world.challenge)
    e1, e2, e3 = world.entries
    judge_verdict(standing(e1, Round.SCREENING)[0], "pass", "Good.")
    judge_verdict(standing(e2, Round.SCREENING)[0], "fail", "Off topic: a wind farm.")
    judge_verdict(standing(e2, Round.SCREENING)[1], "fail", "Not about storage.")
    judge_verdict(standing(e3, Round.SCREENING)[0], "fail", "Incomplete entry.")
    judge_verdict(standing(e3, Round.SCREENING)[1], "pass", "Complete enough.")


RUBRIC_25 = [
    CriterionInput("Impact", 20),
    CriterionInput("Feasibility", 4),
    CriterionInput("Clarity", 1),
]
EXAMPLE = {"A": {1: 88, 2: 80, 3: 88}, "B": {2: 50, 3: 64, 4: 40}, "C": {1: 70, 4: 60}}


def values_for(score: int) -> list[int]:
    """Criterion values (1–5) giving ``score`` with weights 20/4/1: S = 20a + 4b + c."""
    a = min(4, score // 20)
    b = min(4, (score - 20 * a) // 4)
    return [a + 1, b + 1, score - 20 * a - 4 * b + 1]


def example_world(conflicts: dict[str, str] | None = None) -> tuple[World, dict, dict]:
    """S1..S4 reviewed by judges A, B, C as in the calibration worked example (evaluation
    round, all submitted)."""
    world = sponsor_world(rubric=RUBRIC_25, k=2)
    entries = {
        n: submit_entry(world.challenge, person(f"solver{n}"), title=f"S{n}") for n in (1, 2, 3, 4)
    }
    judges = {
        name: seat_judge(
            world, person(f"judge{name.lower()}"), conflicts=(conflicts or {}).get(name, "")
        )
        for name in "ABC"
    }
    move(world.challenge, "judging")
    criteria = services.criteria_of(world.challenge)
    for name, scores in EXAMPLE.items():
        for n, score in scores.items():
            row = Assignment(
                judge_id=judges[name].id,
                submission_id=entries[n].id,
                blind_label=f"Entry #00000{n}",
            )
            db.session.add(row)
            db.session.commit()
            services.save_review(
                actor=judges[name].user,
                assignment=row,
                scores={c.id: v for c, v in zip(criteria, values_for(score), strict=True)},
                submit=True,
            )
            assert row.review.score_total == pytest.approx(score)
    return world, entries, judges


def review_all(world: World, values: dict[int, int]) -> None:
    """Every standing evaluation assignment submitted, each entry scored ``values[n]`` on all."""
    criteria = services.criteria_of(world.challenge)
    number = {e.id: n for n, e in enumerate(world.entries, start=1)}
    for row in db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).all():
        scores = {c.id: values[number[row.submission_id]] for c in criteria}
        services.save_review(actor=row.judge.user, assignment=row, scores=scores, submit=True)

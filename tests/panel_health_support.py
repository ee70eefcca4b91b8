"""Builders for reliability-panel tests: a judged world from a table of review scores."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from core.db import db
from judging import services
from judging.models import Assignment
from judging.panel.rubric import CriterionInput
from tests.factories import make_user
from tests.judging_support import (
    World,
    move,
    person,
    seat_judge,
    sponsor_world,
    submit_entry,
)

# Weights summing to 25 make a review score Σ w·(x − 1): every whole number 0–100 is reachable.
FINE_RUBRIC = [
    CriterionInput("Impact", 17),
    CriterionInput("Feasibility", 5),
    CriterionInput("Novelty", 2),
    CriterionInput("Clarity", 1),
]


def scores_for(world: World, total: int) -> dict[int, int]:
    """Criterion scores (1–5) whose review score on FINE_RUBRIC is exactly ``total``."""
    criteria = services.criteria_of(world.challenge)
    weights = [c.weight for c in criteria]
    for values in itertools.product(range(1, 6), repeat=len(criteria)):
        if sum(w * (v - 1) for w, v in zip(weights, values, strict=True)) == total:
            return {c.id: v for c, v in zip(criteria, values, strict=True)}
    raise AssertionError(f"no scores give {total}")


def scored_world(
    table: Sequence[Sequence[int | None]],
    *,
    names: Sequence[str] = (),
    feedback: str = "Clear and well argued.",
    comments: Sequence[int] = (),
) -> World:
    """Entries as rows, judges as columns: each number is a submitted review with that score,
    None means the judge is not on that entry. ``comments[j]`` criterion comments per review
    of judge j (default all of them)."""
    world = sponsor_world(rubric=FINE_RUBRIC, k=2)
    for n in range(1, len(table) + 1):
        world.entries.append(submit_entry(world.challenge, person(f"solver{n}"), title=f"E{n}"))
    for j in range(len(table[0])):
        name = names[j] if j < len(names) else None
        user = make_user(f"judge{j + 1}", email=f"judge{j + 1}@judge{j + 1}.example")
        if name:
            user.display_name = name
        seat_judge(world, user)
    move(world.challenge, "judging")
    for entry, row in zip(world.entries, table, strict=True):
        for j, total in enumerate(row):
            if total is None:
                continue
            assignment = Assignment(
                judge_id=world.judges[j].id,
                submission_id=entry.id,
                blind_label=f"Entry #{entry.id}",
            )
            db.session.add(assignment)
            db.session.commit()
            scores = scores_for(world, total)
            wanted = comments[j] if j < len(comments) else len(scores)
            services.save_review(
                actor=world.judges[j].user,
                assignment=assignment,
                scores=scores,
                comments={cid: "Because." for cid in list(scores)[:wanted]},
                feedback_to_solver=feedback if j >= len(comments) else "",
                submit=True,
            )
    return world


# The calibration worked example: judges A, B, C (columns) on S1..S4 (rows).
EXAMPLE = [[88, None, 70], [80, 50, None], [88, 64, None], [None, 40, 60]]

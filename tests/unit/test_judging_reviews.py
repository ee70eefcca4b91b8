"""Reviews: who may score, validation, the judging deadline, submit once, the panel's scores."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from core.db import db, frozen_time
from core.errors import Conflict, PermissionDenied, ValidationFailed
from judging import services
from judging.algorithms.scoring import review_score
from judging.models import Assignment, AssignmentState
from judging.policies import can_open_assignment
from tests.unit.test_judging_support import World, judging_world, person

FULL = [5, 3, 4, 2]  # Impact 40, Feasibility 30, Novelty 20, Clarity 10 -> 72.5


def _setup(entry_count: int = 1, judge_count: int = 3, k: int = 3) -> tuple[World, list]:
    world = judging_world(entry_count=entry_count, judge_count=judge_count, k=k)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    rows = db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).all()
    return world, list(rows)


def _scores(world: World, values: list[int | None]) -> dict[int, int | None]:
    criteria = services.criteria_of(world.challenge)
    return {c.id: v for c, v in zip(criteria, values, strict=True)}


def _save(assignment: Assignment, scores, *, submit: bool = True, actor=None, **extra):
    return services.save_review(
        actor=actor or assignment.judge.user,
        assignment=assignment,
        scores=scores,
        submit=submit,
        **extra,
    )


def submitted_review() -> tuple[World, Assignment]:
    world, rows = _setup()
    _save(rows[0], _scores(world, FULL))
    return world, rows[0]


def test_the_review_score_is_the_weighted_rubric_score() -> None:
    world, assignment = submitted_review()
    review = assignment.review
    assert review.score_total == pytest.approx(72.5)
    criteria = services.criteria_of(world.challenge)
    expected = review_score(
        {str(c.id): c.weight for c in criteria},
        {str(c.id): v for c, v in zip(criteria, FULL, strict=True)},
    )
    assert review.score_total == expected
    assert assignment.state == AssignmentState.SUBMITTED and review.submitted_at is not None


def test_a_draft_may_be_partial_but_submitting_needs_every_criterion() -> None:
    world, rows = _setup()
    partial = _scores(world, [5, None, None, None])
    comments = {next(iter(partial)): "Strong impact case."}
    review = _save(rows[0], partial, submit=False, comments=comments, note_to_panel="Nice.")
    assert rows[0].state == AssignmentState.IN_PROGRESS and review.submitted_at is None
    assert review.score_total is None and review.comment_map() == comments
    with pytest.raises(ValidationFailed, match="missing: Feasibility, Novelty, Clarity"):
        _save(rows[0], partial)


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, True, "3"])
def test_scores_outside_one_to_five_whole_numbers_are_refused(bad) -> None:
    world, rows = _setup()
    with pytest.raises(ValidationFailed, match="whole number from 1 to 5"):
        _save(rows[0], _scores(world, [bad, 3, 4, 2]), submit=False)


def test_scores_for_unknown_criteria_are_refused() -> None:
    world, rows = _setup()
    with pytest.raises(ValidationFailed, match="not in this rubric"):
        _save(rows[0], {**_scores(world, FULL), 999_999: 3})


def test_only_the_assigned_judge_may_review() -> None:
    world, rows = _setup(judge_count=4, k=1)
    assigned = {row.judge_id for row in rows}
    other = next(j for j in world.judges if j.id not in assigned)
    for actor in (other.user, world.owner, person("stranger")):
        with pytest.raises(PermissionDenied, match="Only the judge assigned"):
            _save(rows[0], _scores(world, FULL), actor=actor)


def test_reviews_lock_at_the_end_of_judging_to_the_second() -> None:
    world, rows = _setup()
    ends = world.challenge.judging_ends_at
    with frozen_time(ends - timedelta(seconds=1)):
        _save(rows[0], _scores(world, FULL), submit=False)
    with frozen_time(ends), pytest.raises(Conflict, match="Judging closed"):
        _save(rows[0], _scores(world, FULL))
    before = world.challenge.closes_at - timedelta(seconds=1)
    with frozen_time(before), pytest.raises(Conflict, match="only while the challenge is being"):
        _save(rows[0], _scores(world, FULL))


def test_a_submitted_review_cannot_be_submitted_again_or_edited() -> None:
    world, assignment = submitted_review()
    with pytest.raises(Conflict, match="already submitted"):
        _save(assignment, _scores(world, [1, 1, 1, 1]))
    with pytest.raises(Conflict, match="read-only"):
        _save(assignment, _scores(world, [1, 1, 1, 1]), submit=False)
    assert assignment.review.score_total == pytest.approx(72.5)


def test_a_conflicted_judge_cannot_open_or_review_the_entry() -> None:
    world, rows = _setup(judge_count=4, k=3)
    judge_user = rows[0].judge.user
    assert can_open_assignment(judge_user, rows[0])
    services.void_for_conflict(actor=world.owner, assignment=rows[0], reason="Same employer.")
    assert not can_open_assignment(judge_user, rows[0])
    with pytest.raises(PermissionDenied, match="withdrawn"):
        _save(rows[0], _scores(world, FULL))


def test_a_removed_judge_cannot_review() -> None:
    world, rows = _setup(judge_count=4, k=3)
    judge = rows[0].judge
    services.remove_judge(actor=world.owner, judge=judge)
    assert not can_open_assignment(judge.user, rows[0])
    with pytest.raises(PermissionDenied):
        _save(rows[0], _scores(world, FULL))


def test_a_judge_sees_other_scores_only_after_submitting_their_own() -> None:
    world, rows = _setup()
    first, second, third = rows
    _save(second, _scores(world, [1, 2, 3, 4]))
    with pytest.raises(PermissionDenied, match="after you submit your own"):
        services.other_reviews(first.judge.user, first)
    _save(first, _scores(world, FULL))
    others = services.other_reviews(first.judge.user, first)
    assert [(o.label, o.mine) for o in others] == [("J2", False)]
    criteria = services.criteria_of(world.challenge)
    assert others[0].scores == {c.id: v for c, v in zip(criteria, [1, 2, 3, 4], strict=True)}
    with pytest.raises(PermissionDenied):
        services.other_reviews(first.judge.user, third)

"""Reviews: who may score, validation, the judging deadline, submit once, the panel's scores."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.db import frozen_time
from core.errors import Conflict, PermissionDenied, ValidationFailed
from judging import services
from judging.algorithms.scoring import review_score
from judging.models import AssignmentState
from judging.policies import can_open_assignment
from tests.judging_support import (
    FULL,
    assigned_world,
    person,
    save_as_judge,
    scores_of,
    submitted_review,
)


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
    world, rows = assigned_world()
    partial = scores_of(world, [5, None, None, None])
    comments = {next(iter(partial)): "Strong impact case."}
    review = save_as_judge(rows[0], partial, submit=False, comments=comments, note_to_panel="Nice.")
    assert rows[0].state == AssignmentState.IN_PROGRESS and review.submitted_at is None
    assert review.score_total is None and review.comment_map() == comments
    with pytest.raises(ValidationFailed, match="missing: Feasibility, Novelty, Clarity"):
        save_as_judge(rows[0], partial)


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, True, "3"])
def test_scores_outside_one_to_five_whole_numbers_are_refused(bad) -> None:
    world, rows = assigned_world()
    with pytest.raises(ValidationFailed, match="whole number from 1 to 5"):
        save_as_judge(rows[0], scores_of(world, [bad, 3, 4, 2]), submit=False)


def test_scores_for_unknown_criteria_are_refused() -> None:
    world, rows = assigned_world()
    with pytest.raises(ValidationFailed, match="not in this rubric"):
        save_as_judge(rows[0], {**scores_of(world, FULL), 999_999: 3})


def test_only_the_assigned_judge_may_review() -> None:
    world, rows = assigned_world(judge_count=4, k=1)
    assigned = {row.judge_id for row in rows}
    other = next(j for j in world.judges if j.id not in assigned)
    for actor in (other.user, world.owner, person("stranger")):
        with pytest.raises(PermissionDenied, match="Only the judge assigned"):
            save_as_judge(rows[0], scores_of(world, FULL), actor=actor)


def test_reviews_lock_at_the_end_of_judging_to_the_second() -> None:
    world, rows = assigned_world()
    ends = world.challenge.judging_ends_at
    with frozen_time(ends - timedelta(seconds=1)):
        save_as_judge(rows[0], scores_of(world, FULL), submit=False)
    with frozen_time(ends), pytest.raises(Conflict, match="Judging closed"):
        save_as_judge(rows[0], scores_of(world, FULL))
    before = world.challenge.closes_at - timedelta(seconds=1)
    with frozen_time(before), pytest.raises(Conflict, match="only while the challenge is being"):
        save_as_judge(rows[0], scores_of(world, FULL))


def test_a_submitted_review_cannot_be_submitted_again_or_edited() -> None:
    world, assignment = submitted_review()
    with pytest.raises(Conflict, match="already submitted"):
        save_as_judge(assignment, scores_of(world, [1, 1, 1, 1]))
    with pytest.raises(Conflict, match="read-only"):
        save_as_judge(assignment, scores_of(world, [1, 1, 1, 1]), submit=False)
    assert assignment.review.score_total == pytest.approx(72.5)


def test_a_conflicted_judge_cannot_open_or_review_the_entry() -> None:
    world, rows = assigned_world(judge_count=4, k=3)
    judge_user = rows[0].judge.user
    assert can_open_assignment(judge_user, rows[0])
    services.void_for_conflict(actor=world.owner, assignment=rows[0], reason="Same employer.")
    assert not can_open_assignment(judge_user, rows[0])
    with pytest.raises(PermissionDenied, match="withdrawn"):
        save_as_judge(rows[0], scores_of(world, FULL))


def test_a_removed_judge_cannot_review() -> None:
    world, rows = assigned_world(judge_count=4, k=3)
    judge = rows[0].judge
    services.remove_judge(actor=world.owner, judge=judge)
    assert not can_open_assignment(judge.user, rows[0])
    with pytest.raises(PermissionDenied):
        save_as_judge(rows[0], scores_of(world, FULL))


def test_a_judge_sees_other_scores_only_after_submitting_their_own() -> None:
    world, rows = assigned_world()
    first, second, third = rows
    save_as_judge(second, scores_of(world, [1, 2, 3, 4]))
    with pytest.raises(PermissionDenied, match="after you submit your own"):
        services.other_reviews(first.judge.user, first)
    save_as_judge(first, scores_of(world, FULL))
    others = services.other_reviews(first.judge.user, first)
    assert [(o.label, o.mine) for o in others] == [("J2", False)]
    criteria = services.criteria_of(world.challenge)
    assert others[0].scores == {c.id: v for c, v in zip(criteria, [1, 2, 3, 4], strict=True)}
    with pytest.raises(PermissionDenied):
        services.other_reviews(first.judge.user, third)

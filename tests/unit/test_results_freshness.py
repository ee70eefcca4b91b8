"""The stale check reads the challenge's change counter: what results read moves it, other
edits do not, and older snapshots without a counter fall back to the inputs hash."""

from __future__ import annotations

import sqlalchemy as sa

from core.db import db
from judging.models import JudgingSettings, Review, ReviewScore
from judging.results.compute import compute_results
from judging.results.inputs import is_stale
from judging.results.models import ResultSnapshot
from tests.example_support import Example, example_world


def computed() -> tuple[Example, ResultSnapshot]:
    example = example_world()
    return example, compute_results(actor=example.world.owner, challenge=example.challenge)


def statements_run_by(check: object) -> int:
    statements: list[str] = []

    def listener(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        check()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def test_a_fresh_snapshot_is_checked_with_one_query_whatever_the_number_of_reviews() -> None:
    _, snapshot = computed()
    db.session.expire_all()
    snapshot = db.session.get(ResultSnapshot, snapshot.id)
    assert statements_run_by(lambda: is_stale(snapshot)) == 1
    assert not is_stale(snapshot)


def test_changing_one_criterion_score_alone_makes_the_snapshot_stale() -> None:
    _, snapshot = computed()
    score = db.session.scalars(sa.select(ReviewScore).limit(1)).one()
    score.value = 5 if score.value != 5 else 4
    db.session.commit()
    assert is_stale(snapshot)


def test_deleting_a_review_makes_the_snapshot_stale() -> None:
    _, snapshot = computed()
    db.session.delete(db.session.scalars(sa.select(Review).limit(1)).one())
    db.session.commit()
    assert is_stale(snapshot)


def test_edits_that_results_do_not_read_leave_the_snapshot_fresh() -> None:
    example, snapshot = computed()
    example.entries[1].title = "S1, renamed"
    db.session.get(JudgingSettings, example.challenge.id).blind_review = False
    db.session.commit()
    assert not is_stale(snapshot)


def test_a_passing_score_change_makes_the_snapshot_stale() -> None:
    example, snapshot = computed()
    db.session.get(JudgingSettings, example.challenge.id).passing_score = 70.0
    db.session.commit()
    assert is_stale(snapshot)


def test_a_snapshot_from_before_the_counter_compares_the_inputs_hash() -> None:
    example, snapshot = computed()
    snapshot.inputs_version = None
    db.session.commit()
    assert not is_stale(snapshot)
    db.session.get(JudgingSettings, example.challenge.id).passing_score = 70.0
    db.session.commit()
    assert is_stale(snapshot)

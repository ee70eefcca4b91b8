"""Computing results: the calibration worked example through real reviews, ties, passing, community
blend, finalists, staleness and superseding (the example's builders: tests/example_support.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from accounts.models import User
from core.db import db, frozen_time, utcnow
from core.errors import Conflict, PermissionDenied
from judging import services
from judging.algorithms.calibration import calibrate
from judging.models import Assignment, AssignmentState, JudgingSettings, Round, RoundEntry
from judging.results.compute import _criterion_means, compute_results
from judging.results.inputs import ReviewInput, inputs_hash, is_stale
from judging.results.models import ResultRow, ResultSnapshot, SnapshotState
from judging.voting.models import Vote, VoteReview
from submissions.models import SubmissionStatus
from tests.example_support import EXAMPLE, Example, add_voters, cast, example_world, values_for
from tests.judging_support import (
    move,
)

CALIBRATED = {1: 74.873016, 2: 65.142857, 3: 76.142857, 4: 53.984127}


def rows_of(snapshot: ResultSnapshot) -> list[ResultRow]:
    return list(
        db.session.scalars(
            sa.select(ResultRow)
            .where(ResultRow.snapshot_id == snapshot.id)
            .order_by(ResultRow.rank)
        )
    )


def settings(example: Example) -> JudgingSettings:
    return db.session.get(JudgingSettings, example.challenge.id)


def test_worked_example_ranks_s3_first_although_s1_has_the_best_raw_mean() -> None:
    example = example_world()
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    rows = rows_of(snapshot)
    by_entry = {row.submission_id: row for row in rows}
    for n, expected in CALIBRATED.items():
        assert by_entry[example.sid(n)].calibrated_score == pytest.approx(expected, abs=1e-6)
        assert by_entry[example.sid(n)].final_score == pytest.approx(expected, abs=1e-6)
    assert [row.submission_id for row in rows] == [example.sid(n) for n in (3, 1, 2, 4)]
    raw = {n: by_entry[example.sid(n)].raw_mean for n in CALIBRATED}
    assert raw == {1: 79.0, 2: 65.0, 3: 76.0, 4: 50.0}
    assert max(raw, key=raw.get) == 1
    assert [row.review_count for row in rows] == [2, 2, 2, 2]
    assert all(row.passes and not row.needs_panel_resolution for row in rows)
    assert rows[0].decided_by == 1  # the final score alone separates S3 from S1


def test_snapshot_freezes_method_weights_judge_biases_and_criterion_means() -> None:
    example = example_world()
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    assert (snapshot.state, snapshot.method, snapshot.lam) == ("computed", "ridge-additive", 2.0)
    assert snapshot.entry_count == 4 and snapshot.review_count == 8
    assert snapshot.parameters["weights"] == {"Impact": 20, "Feasibility": 4, "Clarity": 1}
    assert snapshot.parameters["unreviewed"] == 0 and snapshot.parameters["lambda"] == 2.0
    assert [j["label"] for j in snapshot.judges] == ["J1", "J2", "J3"]
    assert [j["judge_id"] for j in snapshot.judges] == sorted(
        s.id for _, s in example.judges.values()
    )
    assert [round(j["bias"], 4) for j in snapshot.judges] == [7.9683, -8.2540, 0.2857]
    assert [j["reviews"] for j in snapshot.judges] == [3, 3, 2]
    top = rows_of(snapshot)[0]  # S3: A gave 5/3/1, B gave 4/2/1
    assert set(top.criterion_means) == {"Impact", "Feasibility", "Clarity"}
    assert 4.0 < top.criterion_means["Impact"] < 5.0
    assert (
        snapshot.inputs_hash == inputs_hash(example.challenge) and len(snapshot.inputs_hash) == 64
    )


def test_a_tie_at_a_prize_place_is_flagged_for_the_panel_but_one_below_the_prizes_is_not() -> None:
    example = example_world(judges="A", reviews={"A": {1: 90, 2: 90, 3: 50, 4: 50}})
    rows = rows_of(compute_results(actor=example.world.owner, challenge=example.challenge))
    flags = {row.submission_id: row.needs_panel_resolution for row in rows}
    assert flags == {
        example.sid(1): True,
        example.sid(2): True,
        example.sid(3): False,
        example.sid(4): False,
    }
    assert [row.decided_by for row in rows[:3]] == [5, 1, 5]  # earlier submission breaks it


def test_entries_below_the_passing_score_are_ranked_but_marked_as_not_passing() -> None:
    example = example_world()
    settings(example).passing_score = 70
    db.session.commit()
    rows = rows_of(compute_results(actor=example.world.owner, challenge=example.challenge))
    assert [(row.submission_id, row.passes) for row in rows] == [
        (example.sid(3), True),
        (example.sid(1), True),
        (example.sid(2), False),
        (example.sid(4), False),
    ]


def test_community_blend_mixes_percentiles_and_keeps_the_calibrated_score_beside_it() -> None:
    example = example_world()
    voters = add_voters(100)
    for entry, (up, down) in {1: (8, 2), 2: (60, 40), 3: (2, 0), 4: (5, 0)}.items():
        start = {1: 0, 2: 0, 3: 10, 4: 12}[entry]  # nobody votes on more than two entries
        cast(example.entries[entry], voters[start:], up, down)
    settings(example).community_weight = 0.2
    db.session.commit()
    rows = rows_of(compute_results(actor=example.world.owner, challenge=example.challenge))
    by_entry = {row.submission_id: row for row in rows}
    finals = [round(by_entry[example.sid(n)].final_score, 6) for n in (1, 2, 3, 4)]
    assert finals == [60.0, 40.0, 80.0, 20.0]
    assert by_entry[example.sid(3)].calibrated_score == pytest.approx(CALIBRATED[3], abs=1e-6)
    assert [
        (by_entry[example.sid(n)].votes_up, by_entry[example.sid(n)].votes_down) for n in (1, 2)
    ] == [(8, 2), (60, 40)]
    assert by_entry[example.sid(4)].community_score == pytest.approx(0.565509, abs=1e-6)


def test_quarantined_votes_do_not_count_until_an_admin_lets_them() -> None:
    example = example_world()
    voter = add_voters(1)[0]
    db.session.add(Vote(submission_id=example.sid(4), user_id=voter.id, value=1, quarantined=True))
    db.session.commit()
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    assert {r.submission_id: r.votes_up for r in rows_of(snapshot)}[example.sid(4)] == 0
    assert not is_stale(snapshot)
    vote = db.session.scalars(sa.select(Vote)).one()
    vote.review, vote.reviewed_at = VoteReview.COUNTED, utcnow()
    db.session.commit()
    assert is_stale(snapshot)


def test_finalists_are_scored_afresh_and_ranked_above_every_other_entry() -> None:
    example = example_world()
    for entry in (2, 4):  # the two weakest evaluation entries become finalists
        db.session.add(
            RoundEntry(
                challenge_id=example.challenge.id,
                round=Round.FINALIST,
                submission_id=example.sid(entry),
            )
        )
    settings(example).current_round = Round.FINALIST
    db.session.commit()
    for judge in "ABC":
        example.review(judge, 4, 90, Round.FINALIST)
        example.review(judge, 2, 70, Round.FINALIST)
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    rows = rows_of(snapshot)
    assert [row.submission_id for row in rows] == [example.sid(n) for n in (4, 2, 3, 1)]
    assert [row.finalist for row in rows] == [True, True, False, False]
    assert rows[0].calibrated_score == pytest.approx(90.0) and rows[0].review_count == 3
    assert rows[2].calibrated_score == pytest.approx(CALIBRATED[3], abs=1e-6)
    assert snapshot.parameters["finalists"] == 2 and snapshot.review_count == 14


def test_screening_admits_only_entries_let_through_and_unreviewed_entries_are_counted() -> None:
    example = example_world(entries=6)
    settings(example).screening = True
    for entry in (1, 2, 3, 4, 5):
        db.session.add(
            RoundEntry(
                challenge_id=example.challenge.id,
                round=Round.EVALUATION,
                submission_id=example.sid(entry),
            )
        )
    db.session.commit()
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    assert snapshot.entry_count == 4
    assert snapshot.parameters["unreviewed"] == 1  # S5 is in but unreviewed; S6 was screened out


def test_withdrawn_entries_and_void_assignments_do_not_count() -> None:
    example = example_world()
    example.entries[4].status = SubmissionStatus.WITHDRAWN
    voided = db.session.scalars(
        sa.select(Assignment).where(
            Assignment.submission_id == example.sid(1),
            Assignment.judge_id == example.judges["C"][1].id,
        )
    ).one()
    voided.state, voided.voided_at = AssignmentState.VOID, utcnow()
    db.session.commit()
    rows = rows_of(compute_results(actor=example.world.owner, challenge=example.challenge))
    assert [row.submission_id for row in rows] == [example.sid(n) for n in (1, 3, 2)]
    assert rows[0].review_count == 1


def test_the_inputs_hash_changes_with_a_new_review_or_a_changed_score() -> None:
    example = example_world(entries=5)  # S5 has no review yet
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    assert not is_stale(snapshot)
    example.review("A", 5, 30)
    assert is_stale(snapshot)
    snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    assert not is_stale(snapshot)
    score = (
        db.session.scalars(sa.select(Assignment).where(Assignment.submission_id == example.sid(5)))
        .one()
        .review
    )
    score.score_total, score.scores[0].value = 50.0, 3  # as a reopened, resubmitted review would
    db.session.commit()
    assert is_stale(snapshot)


def test_a_new_computation_supersedes_the_previous_one() -> None:
    example = example_world()
    first = compute_results(actor=example.world.owner, challenge=example.challenge)
    second = compute_results(actor=example.world.owner, challenge=example.challenge)
    db.session.refresh(first)
    assert (first.state, second.state) == (SnapshotState.SUPERSEDED, SnapshotState.COMPUTED)
    assert len(rows_of(first)) == len(rows_of(second)) == 4


def test_results_wait_for_open_reviews_until_judging_ends() -> None:
    example = example_world(entries=5)  # S5 has no review yet
    open_one = Assignment(
        judge_id=example.judges["B"][1].id, submission_id=example.sid(5), blind_label="Entry #5"
    )
    db.session.add(open_one)
    db.session.commit()
    with pytest.raises(
        Conflict, match="1 review is still open; results can be computed when judging ends on"
    ):
        compute_results(actor=example.world.owner, challenge=example.challenge)
    assert db.session.scalar(sa.select(sa.func.count(ResultSnapshot.id))) == 0
    with frozen_time(example.challenge.judging_ends_at):
        snapshot = compute_results(actor=example.world.owner, challenge=example.challenge)
    assert snapshot.entry_count == 4 and snapshot.parameters["unreviewed"] == 1


def test_only_the_sponsors_owners_and_managers_compute_and_only_while_judging() -> None:
    example = example_world()
    member = db.session.scalar(sa.select(User).where(User.handle == "member"))
    with pytest.raises(PermissionDenied):
        compute_results(actor=member, challenge=example.challenge)
    with pytest.raises(PermissionDenied):
        compute_results(actor=example.judges["A"][0], challenge=example.challenge)
    manager = db.session.scalar(sa.select(User).where(User.handle == "manager"))
    assert compute_results(actor=manager, challenge=example.challenge).entry_count == 4
    move(example.challenge, "open")
    with pytest.raises(Conflict, match="once submissions close"):
        compute_results(actor=manager, challenge=example.challenge)


def test_criterion_means_are_the_ridge_model_fitted_to_each_criterion() -> None:
    example = example_world()
    rows = rows_of(compute_results(actor=example.world.owner, challenge=example.challenge))
    scores = [
        (a.submission_id, a.judge_id, {s.criterion_id: s.value for s in a.review.scores})
        for a in db.session.scalars(sa.select(Assignment))
    ]
    for criterion in services.criteria_of(example.challenge):
        fit = calibrate([(entry, judge, values[criterion.id]) for entry, judge, values in scores])
        means = {row.submission_id: row.criterion_means[criterion.name] for row in rows}
        assert means == pytest.approx(fit.entry_scores, abs=1e-9)


def test_a_review_lacking_a_criterion_is_left_out_of_that_criterion_only() -> None:
    design = [(e, j, total) for j, scores in EXAMPLE.items() for e, total in scores.items()]
    reviews = [
        ReviewInput(n, ord(j), e, "evaluation", total, {1: values_for(total)[0], 2: total % 5 + 1})
        for n, (e, j, total) in enumerate(design)
    ]
    del reviews[0].values[2]
    means = _criterion_means(reviews, [(1, "Impact", 20), (2, "Clarity", 1)])
    for criterion_id, name in ((1, "Impact"), (2, "Clarity")):
        fit = calibrate(
            [
                (r.submission_id, r.judge_id, r.values[criterion_id])
                for r in reviews
                if criterion_id in r.values
            ]
        )
        assert {e: m[name] for e, m in means.items()} == pytest.approx(fit.entry_scores, abs=1e-9)

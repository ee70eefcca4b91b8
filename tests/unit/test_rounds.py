"""Rounds: screening verdicts and second screeners, advancing to evaluation and to finalists."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.db import db, utcnow
from core.errors import Conflict, ValidationFailed
from core.mail import Mail
from judging import services
from judging.access import judge_can_view
from judging.models import Assignment, AssignmentState, Round, RoundEntry
from judging.panel.my_work import my_judging
from judging.panel.progress import overview
from judging.rounds.advance import (
    advance_to_evaluation,
    advance_to_finalists,
    evaluation_preview,
    finalist_preview,
    set_rounds,
)
from judging.rounds.screening import (
    ScreeningStatus,
    add_screener,
    assign_screeners,
    screening_state,
)
from judging.settings import settings_for
from tests.judging_support import World, judging_world, person, seat_judge
from tests.rounds_support import (
    example_world,
    judge_verdict,
    review_all,
    screened,
    screening_world,
    standing,
)


def status(world: World, n: int) -> ScreeningStatus:
    return screening_state(world.challenge, world.entries[n - 1].id).status


# ---- settings -----------------------------------------------------------------------------


def test_with_screening_on_judging_starts_in_the_screening_round() -> None:
    world = screening_world()
    settings = settings_for(world.challenge)
    assert settings.screening and settings.current_round == Round.SCREENING
    set_rounds(actor=world.owner, challenge=world.challenge, screening=False, finalist_count=3)
    assert settings.current_round == Round.EVALUATION and settings.finalist_count == 3


def test_screening_cannot_change_once_judges_are_assigned() -> None:
    world = judging_world(entry_count=2, judge_count=2, k=1)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    with pytest.raises(Conflict, match="only before the first assignment"):
        set_rounds(
            actor=world.owner, challenge=world.challenge, screening=True, finalist_count=None
        )
    assert settings_for(world.challenge).current_round == Round.EVALUATION


def test_a_finalist_round_needs_at_least_two_finalists_and_only_the_sponsor_sets_it() -> None:
    world = judging_world(entry_count=2, judge_count=1)
    with pytest.raises(ValidationFailed, match="at least 2 finalists"):
        set_rounds(actor=world.owner, challenge=world.challenge, screening=False, finalist_count=1)
    with pytest.raises(Exception, match="owners and managers"):
        set_rounds(
            actor=world.judges[0].user, challenge=world.challenge, screening=False, finalist_count=2
        )


# ---- screening ----------------------------------------------------------------------------


def test_each_entry_gets_one_conflict_free_screener_balanced_over_the_panel() -> None:
    world = screening_world(entries=4, judges=3, conflicts={1: "@solver1", 2: "@solver1"})
    report = assign_screeners(actor=world.owner, challenge=world.challenge)
    assert (report.created, report.shortfall) == (4, 0)
    assert "No screener slot is empty" in report.message
    rows = db.session.scalars(sa.select(Assignment)).all()
    assert {row.round for row in rows} == {Round.SCREENING}
    assert [len(standing(e, Round.SCREENING)) for e in world.entries] == [1, 1, 1, 1]
    assert standing(world.entries[0], Round.SCREENING)[0].judge_id == world.judges[2].id
    loads = sorted(sum(1 for r in rows if r.judge_id == j.id) for j in world.judges)
    assert loads == [1, 1, 2]


def test_a_pass_keeps_the_entry_in_with_a_single_screener() -> None:
    world = screening_world()
    assign_screeners(actor=world.owner, challenge=world.challenge)
    first = standing(world.entries[0], Round.SCREENING)[0]
    judge_verdict(first, "pass", "Fits the brief.")
    assert status(world, 1) == ScreeningStatus.IN
    assert len(standing(world.entries[0], Round.SCREENING)) == 1
    assert first.review.score_total is None and first.review.note_to_panel == "Fits the brief."


def test_a_fail_goes_to_a_second_screener_who_is_another_eligible_judge(mails: list[Mail]) -> None:
    world = screening_world(entries=1, judges=3, conflicts={3: "@solver1"})
    assign_screeners(actor=world.owner, challenge=world.challenge)
    first = standing(world.entries[0], Round.SCREENING)[0]
    mails.clear()
    judge_verdict(first, "fail")
    rows = standing(world.entries[0], Round.SCREENING)
    assert len(rows) == 2 and rows[1].judge_id not in {first.judge_id, world.judges[2].id}
    assert rows[1].blind_label == first.blind_label
    assert [m.to for m in mails] == [rows[1].judge.email]
    assert status(world, 1) == ScreeningStatus.PENDING


def test_the_entry_is_out_only_after_two_fails_and_a_pass_after_a_fail_keeps_it_in() -> None:
    world = screening_world(entries=2, judges=3)
    assign_screeners(actor=world.owner, challenge=world.challenge)
    for entry in world.entries:
        judge_verdict(standing(entry, Round.SCREENING)[0], "fail")
    judge_verdict(standing(world.entries[0], Round.SCREENING)[1], "fail", "Also off topic, sadly.")
    judge_verdict(standing(world.entries[1], Round.SCREENING)[1], "pass", "It does fit.")
    assert (status(world, 1), status(world, 2)) == (ScreeningStatus.OUT, ScreeningStatus.IN)
    assert len(standing(world.entries[0], Round.SCREENING)) == 2  # no third screener


def test_a_verdict_needs_a_reason_and_a_fail_needs_ten_characters() -> None:
    world = screening_world(entries=1)
    assign_screeners(actor=world.owner, challenge=world.challenge)
    first = standing(world.entries[0], Round.SCREENING)[0]
    with pytest.raises(ValidationFailed, match="at least 10 characters"):
        judge_verdict(first, "fail", "Too thin")
    with pytest.raises(ValidationFailed, match="reason"):
        judge_verdict(first, "pass", "   ")
    with pytest.raises(ValidationFailed, match="pass or fail"):
        judge_verdict(first, "maybe")
    with pytest.raises(ValidationFailed, match="not scores"):
        services.save_review(actor=first.judge.user, assignment=first, scores={}, submit=True)
    assert first.review is None and first.state == AssignmentState.ASSIGNED


def test_a_judge_who_joins_takes_a_second_screening_nobody_eligible_could() -> None:
    world = screening_world(entries=1, judges=2, conflicts={2: "@solver1"})
    assign_screeners(actor=world.owner, challenge=world.challenge)
    judge_verdict(standing(world.entries[0], Round.SCREENING)[0], "fail")
    assert status(world, 1) == ScreeningStatus.NEEDS_SECOND
    with pytest.raises(ValidationFailed, match="conflict with this entry"):
        add_screener(
            actor=world.owner,
            challenge=world.challenge,
            submission=world.entries[0],
            judge=world.judges[1],
        )
    late = seat_judge(world, person("late"))  # joining while judging runs takes the slot
    assert standing(world.entries[0], Round.SCREENING)[-1].judge_id == late.id
    assert status(world, 1) == ScreeningStatus.PENDING
    with pytest.raises(Conflict, match="already has its screeners"):
        add_screener(
            actor=world.owner, challenge=world.challenge, submission=world.entries[0], judge=late
        )


def test_the_sponsor_adds_a_screener_beyond_the_fair_share() -> None:
    world = screening_world(entries=2, judges=2, conflicts={2: "@solver1 @solver2"})
    report = assign_screeners(actor=world.owner, challenge=world.challenge)
    assert (report.created, report.shortfall) == (1, 1)  # judge1's fair share is one entry
    waiting = next(e for e in world.entries if not standing(e, Round.SCREENING))
    added = add_screener(
        actor=world.owner, challenge=world.challenge, submission=waiting, judge=world.judges[0]
    )
    assert added.round == Round.SCREENING and added.judge_id == world.judges[0].id
    with pytest.raises(Conflict, match="already has its screeners"):
        add_screener(
            actor=world.owner, challenge=world.challenge, submission=waiting, judge=world.judges[0]
        )


def test_a_screener_sees_the_entry_and_swaps_and_refills_stay_in_the_screening_round() -> None:
    world = screening_world(entries=2, judges=3)
    assign_screeners(actor=world.owner, challenge=world.challenge)
    first = standing(world.entries[0], Round.SCREENING)[0]
    assert judge_can_view(first.judge.user, world.entries[0], utcnow())
    free = next(j for j in world.judges if j.id != first.judge_id)
    swapped = services.swap_judge(actor=world.owner, assignment=first, new_judge=free)
    assert swapped.round == Round.SCREENING
    refill = services.void_for_conflict(
        actor=swapped.judge.user, assignment=swapped, reason="My former student."
    )
    assert refill is not None and refill.round == Round.SCREENING
    assert [row.judge_id for row in standing(world.entries[0], Round.SCREENING)] == [
        refill.judge_id
    ]


# ---- screening -> evaluation --------------------------------------------------------------


def test_advancing_to_evaluation_is_refused_while_an_entry_is_pending() -> None:
    world = screening_world(entries=2)
    assign_screeners(actor=world.owner, challenge=world.challenge)
    judge_verdict(standing(world.entries[0], Round.SCREENING)[0], "pass", "Good.")
    preview = evaluation_preview(world.challenge)
    assert [s.submission_id for s in preview.pending] == [world.entries[1].id]
    assert "still being screened" in preview.problem
    with pytest.raises(Conflict, match="still being screened"):
        advance_to_evaluation(actor=world.owner, challenge=world.challenge)
    assert settings_for(world.challenge).current_round == Round.SCREENING
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoundEntry)) == 0


def test_evaluation_assigns_judges_only_to_screened_in_entries() -> None:
    world = screening_world(entries=3, judges=3)
    screened(world)
    preview = evaluation_preview(world.challenge)
    assert preview.problem is None
    assert [s.submission_id for s in preview.out] == [world.entries[1].id]
    assert [v.reason for v in preview.out[0].verdicts] == [
        "Off topic: a wind farm.",
        "Not about storage.",
    ]
    with pytest.raises(Conflict, match="list changed"):
        advance_to_evaluation(
            actor=world.owner, challenge=world.challenge, expected=[world.entries[0].id]
        )
    expected = [world.entries[0].id, world.entries[2].id]
    assert advance_to_evaluation(actor=world.owner, challenge=world.challenge, expected=expected)
    assert settings_for(world.challenge).current_round == Round.EVALUATION
    report = services.assign_judges(actor=world.owner, challenge=world.challenge)
    assert (report.created, report.entries) == (4, 2)
    assert [len(standing(e, Round.EVALUATION)) for e in world.entries] == [2, 0, 2]
    with pytest.raises(Conflict, match="already begun"):
        advance_to_evaluation(actor=world.owner, challenge=world.challenge)
    data = overview(world.challenge)
    assert data.round == Round.EVALUATION and len(data.entries) == 2
    assert data.rounds[Round.SCREENING] == (5, 5) and data.rounds[Round.EVALUATION] == (4, 0)
    work = my_judging(world.judges[0].user)[0]
    rows = [(a.round, a.state) for a in work.assignments]
    assert {round_ for round_, _ in rows} == {Round.SCREENING, Round.EVALUATION}
    # What is left to do comes first on the judge's list: the evaluation, then the screening
    # verdicts already given.
    assert rows == sorted(rows, key=lambda row: (row[1] == AssignmentState.SUBMITTED, row[0]))
    assert rows[0] == (Round.EVALUATION, AssignmentState.ASSIGNED)
    assert rows[-1] == (Round.SCREENING, AssignmentState.SUBMITTED)
    assert (work.total, work.done) == (len(rows), rows.count(rows[-1]))


def test_a_screening_review_can_no_longer_change_once_evaluation_began() -> None:
    world = screening_world(entries=3, judges=3)
    screened(world)
    advance_to_evaluation(actor=world.owner, challenge=world.challenge)
    row = standing(world.entries[0], Round.SCREENING)[0]
    with pytest.raises(Conflict, match="round is over"):
        services.swap_judge(actor=world.owner, assignment=row, new_judge=world.judges[2])


# ---- evaluation -> finalists (the calibration worked example) ----------------------------


def _finalists(world: World, n: int) -> list[int]:
    settings_for(world.challenge).finalist_count = n
    db.session.commit()
    return [row.submission_id for row in finalist_preview(world.challenge).finalists]


def test_finalists_are_the_top_n_by_calibrated_score_not_by_raw_mean() -> None:
    world, entries, _ = example_world()
    preview = finalist_preview(world.challenge)
    by_id = {row.submission_id: row for row in preview.rows}
    assert by_id[entries[1].id].raw_mean == pytest.approx(79.0)
    assert by_id[entries[1].id].calibrated == pytest.approx(4717 / 63, abs=1e-6)
    assert by_id[entries[3].id].calibrated == pytest.approx(533 / 7, abs=1e-6)
    assert [row.submission_id for row in preview.rows] == [entries[n].id for n in (3, 1, 2, 4)]
    assert _finalists(world, 1) == [entries[3].id]  # the raw mean would pick S1
    assert _finalists(world, 2) == [entries[3].id, entries[1].id]


def test_advancing_to_finalists_assigns_every_judge_free_of_conflicts_to_every_finalist(
    mails: list[Mail],
) -> None:
    world, entries, judges = example_world(conflicts={"C": "@solver3"})
    set_rounds(actor=world.owner, challenge=world.challenge, screening=False, finalist_count=2)
    mails.clear()
    report = advance_to_finalists(
        actor=world.owner, challenge=world.challenge, expected=[entries[3].id, entries[1].id]
    )
    assert (report.finalists, report.created, report.thin) == (2, 5, [])
    seeds = dict(
        db.session.execute(
            sa.select(RoundEntry.submission_id, RoundEntry.seed).where(
                RoundEntry.round == Round.FINALIST
            )
        ).all()
    )
    assert seeds == {entries[3].id: 1, entries[1].id: 2}
    assert settings_for(world.challenge).current_round == Round.FINALIST
    on = {n: {a.judge_id for a in standing(entries[n], Round.FINALIST)} for n in (1, 3)}
    assert on == {1: {j.id for j in judges.values()}, 3: {judges["A"].id, judges["B"].id}}
    assert len(mails) == 3
    with pytest.raises(Conflict, match="can no longer change"):
        set_rounds(actor=world.owner, challenge=world.challenge, screening=False, finalist_count=3)


def test_finalist_reviews_are_separate_and_the_panel_sees_only_the_same_round() -> None:
    world, entries, judges = example_world()
    set_rounds(actor=world.owner, challenge=world.challenge, screening=False, finalist_count=2)
    advance_to_finalists(actor=world.owner, challenge=world.challenge)
    criteria = services.criteria_of(world.challenge)
    rows = {a.judge_id: a for a in standing(entries[1], Round.FINALIST)}
    mine, theirs = rows[judges["A"].id], rows[judges["C"].id]
    evaluation = standing(entries[1], Round.EVALUATION)
    assert (
        mine.id not in {a.id for a in evaluation} and mine.blind_label == evaluation[0].blind_label
    )
    scores = {c.id: 3 for c in criteria}
    services.save_review(actor=judges["A"].user, assignment=mine, scores=scores, submit=True)
    assert (
        services.other_reviews(judges["A"].user, mine) == []
    )  # C's evaluation review is not shown
    services.save_review(actor=judges["C"].user, assignment=theirs, scores=scores, submit=True)
    assert [r.score_total for r in services.other_reviews(judges["A"].user, mine)] == [50.0]
    with pytest.raises(Conflict, match="round is over"):
        services.save_review(
            actor=judges["A"].user,
            assignment=next(a for a in evaluation if a.judge_id == judges["A"].id),
            scores=scores,
        )


def test_finalists_wait_for_every_evaluation_review() -> None:
    world = judging_world(entry_count=2, judge_count=2, k=2)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    set_rounds(actor=world.owner, challenge=world.challenge, screening=False, finalist_count=2)
    first = db.session.scalars(sa.select(Assignment).order_by(Assignment.id)).first()
    criteria = services.criteria_of(world.challenge)
    services.save_review(
        actor=first.judge.user, assignment=first, scores={c.id: 4 for c in criteria}, submit=True
    )
    preview = finalist_preview(world.challenge)
    assert len(preview.still_open) == 3 and "3 evaluation reviews are still open" in preview.problem
    with pytest.raises(Conflict, match="still open"):
        advance_to_finalists(actor=world.owner, challenge=world.challenge)
    assert settings_for(world.challenge).current_round == Round.EVALUATION


def test_a_conflict_found_in_evaluation_keeps_the_judge_off_that_finalist() -> None:
    world = judging_world(entry_count=2, judge_count=2, k=2)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    review_all(world, {1: 5, 2: 3})
    leaving = standing(world.entries[0], Round.EVALUATION)[1]
    services.void_for_conflict(actor=world.owner, assignment=leaving, reason="Co-founders.")
    set_rounds(actor=world.owner, challenge=world.challenge, screening=False, finalist_count=2)
    report = advance_to_finalists(actor=world.owner, challenge=world.challenge)
    assert report.thin == [leaving.blind_label] and "fewer than 2 judges" in report.message
    assert [a.judge_id for a in standing(world.entries[0], Round.FINALIST)] == [
        j.id for j in world.judges if j.id != leaving.judge_id
    ]
    assert len(standing(world.entries[1], Round.FINALIST)) == 2


def test_a_tie_across_the_cut_off_is_flagged() -> None:
    world = judging_world(entry_count=3, judge_count=2, k=2)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    review_all(world, {1: 4, 2: 4, 3: 4})
    set_rounds(actor=world.owner, challenge=world.challenge, screening=False, finalist_count=2)
    preview = finalist_preview(world.challenge)
    assert preview.problem is None and preview.boundary_tie
    assert len(preview.finalists) == 2 and all(row.boundary_tie for row in preview.rows)
    set_rounds(actor=world.owner, challenge=world.challenge, screening=False, finalist_count=3)
    assert not finalist_preview(world.challenge).boundary_tie
    set_rounds(actor=world.owner, challenge=world.challenge, screening=False, finalist_count=4)
    assert "at most 3 finalists" in finalist_preview(world.challenge).problem


def test_conflicts_hold_in_evaluation_after_screening() -> None:
    world = screening_world(entries=2, judges=3, conflicts={1: "@solver1"})
    assign_screeners(actor=world.owner, challenge=world.challenge)
    for entry in world.entries:
        judge_verdict(standing(entry, Round.SCREENING)[0], "pass", "Good.")
    advance_to_evaluation(actor=world.owner, challenge=world.challenge)
    services.assign_judges(actor=world.owner, challenge=world.challenge)
    on_first = {a.judge_id for a in standing(world.entries[0], Round.EVALUATION)}
    assert on_first == {world.judges[1].id, world.judges[2].id}


def test_removing_a_screener_hands_the_open_screening_to_another_judge() -> None:
    world = screening_world(entries=1, judges=2)
    assign_screeners(actor=world.owner, challenge=world.challenge)
    leaving = standing(world.entries[0], Round.SCREENING)[0].judge
    created = services.remove_judge(actor=world.owner, judge=leaving)
    assert [(a.round, a.judge_id) for a in created] == [
        (Round.SCREENING, next(j.id for j in world.judges if j.id != leaving.id))
    ]

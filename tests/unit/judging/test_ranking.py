"""The final ranking applies docs/judging.md, "Tie-break chain", and flags prize-boundary ties."""

from datetime import datetime, timedelta

import pytest

from judging.algorithms.ranking import (
    CRITERIA,
    FINAL_SCORE,
    HEAD_TO_HEAD,
    LOWER_ID,
    RAW_MEAN,
    SUBMITTED_AT,
    RankingEntry,
    head_to_head,
    rank_entries,
)

T0 = datetime(2025, 5, 1, 9, 0)
WEIGHTS = {"clarity": 10, "impact": 40, "novelty": 20}


def entry(
    sid: int,
    final: float = 70.0,
    raw: float = 70.0,
    impact: float = 3.0,
    novelty: float = 3.0,
    clarity: float = 3.0,
    minutes: int = 0,
    judges: dict[int, float] | None = None,
) -> RankingEntry:
    return RankingEntry(
        submission_id=sid,
        final_score=final,
        raw_mean=raw,
        submitted_at=T0 + timedelta(minutes=minutes),
        criterion_means={"impact": impact, "novelty": novelty, "clarity": clarity},
        judge_scores=judges or {},
    )


def order(rows: list) -> list[int]:
    return [row.submission_id for row in rows]


def test_final_score_decides_first() -> None:
    rows = rank_entries([entry(1, 60), entry(2, 80), entry(3, 70)], WEIGHTS, 1)
    assert order(rows) == [2, 3, 1]
    assert [row.rank for row in rows] == [1, 2, 3]
    assert [row.decided_by for row in rows] == [FINAL_SCORE, FINAL_SCORE, None]
    assert not any(row.needs_panel_resolution for row in rows)


def test_scores_equal_at_six_decimals_are_tied() -> None:
    rows = rank_entries([entry(1, 74.8730159), entry(2, 74.8730161, minutes=-1)], WEIGHTS, 0)
    assert order(rows) == [2, 1]
    assert rows[0].decided_by == SUBMITTED_AT


def test_criteria_break_ties_in_descending_weight_order() -> None:
    a = entry(1, impact=3.0, novelty=5.0, clarity=5.0)
    b = entry(2, impact=3.5, novelty=1.0, clarity=1.0)
    rows = rank_entries([a, b], WEIGHTS, 1)
    assert order(rows) == [2, 1]
    assert rows[0].decided_by == CRITERIA
    c = entry(3, impact=3.0, novelty=5.0, clarity=1.0)
    assert order(rank_entries([c, a], WEIGHTS, 1)) == [1, 3]


def test_raw_mean_breaks_remaining_ties() -> None:
    rows = rank_entries([entry(1, raw=70), entry(2, raw=71)], WEIGHTS, 1)
    assert order(rows) == [2, 1]
    assert rows[0].decided_by == RAW_MEAN


def test_head_to_head_counts_judges_who_scored_both() -> None:
    a = entry(1, judges={1: 80, 2: 60, 3: 70, 9: 99})
    b = entry(2, judges={1: 70, 2: 65, 3: 60, 8: 10})
    assert head_to_head(a, b) == 1
    rows = rank_entries([b, a], WEIGHTS, 1)
    assert order(rows) == [1, 2]
    assert rows[0].decided_by == HEAD_TO_HEAD
    assert not rows[0].needs_panel_resolution


def test_tie_surviving_head_to_head_on_the_prize_boundary_needs_the_panel() -> None:
    a = entry(1, minutes=10, judges={1: 80, 2: 60})
    b = entry(2, minutes=5, judges={1: 70, 2: 65})
    rows = rank_entries([a, b, entry(3, final=90)], WEIGHTS, 2)
    assert order(rows) == [3, 2, 1]  # step 5: earlier submission first
    assert [row.needs_panel_resolution for row in rows] == [False, True, True]
    assert rows[1].decided_by == SUBMITTED_AT


def test_tie_below_the_prizes_is_not_flagged() -> None:
    rows = rank_entries([entry(1), entry(2), entry(3, final=90)], WEIGHTS, 1)
    assert order(rows) == [3, 1, 2]
    assert rows[1].decided_by == LOWER_ID
    assert not any(row.needs_panel_resolution for row in rows)


def test_tie_between_prize_places_is_flagged() -> None:
    rows = rank_entries([entry(1), entry(2), entry(3, final=10)], WEIGHTS, 3)
    assert [row.needs_panel_resolution for row in rows] == [True, True, False]


def test_three_way_tie_uses_net_head_to_head_within_the_group() -> None:
    a = entry(1, judges={1: 90, 2: 90})
    b = entry(2, judges={1: 80, 2: 80})
    c = entry(3, judges={1: 80, 2: 80}, minutes=-5)
    rows = rank_entries([c, b, a], WEIGHTS, 1)
    assert order(rows) == [1, 3, 2]
    assert [row.needs_panel_resolution for row in rows] == [False, False, False]
    rows = rank_entries([c, b, a], WEIGHTS, 2)
    assert [row.needs_panel_resolution for row in rows] == [False, True, True]


def test_missing_criterion_mean_is_an_error() -> None:
    broken = RankingEntry(1, 50, 50, T0, {"impact": 3.0})
    with pytest.raises(ValueError, match="no mean for criteria: novelty, clarity"):
        rank_entries([broken], WEIGHTS, 1)


def test_duplicate_submissions_are_an_error() -> None:
    with pytest.raises(ValueError, match="only once"):
        rank_entries([entry(1), entry(1)], WEIGHTS, 1)

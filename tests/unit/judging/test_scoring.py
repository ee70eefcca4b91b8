"""Review scores follow docs/judging.md, "Rubric scoring", and reject malformed input."""

import pytest

from judging.algorithms.scoring import passes, review_score

WEIGHTS = {"impact": 40, "feasibility": 30, "novelty": 20, "clarity": 10}


def test_worked_example_scores_72_5() -> None:
    scores = {"impact": 5, "feasibility": 3, "novelty": 4, "clarity": 2}
    assert review_score(WEIGHTS, scores) == pytest.approx(72.5, abs=1e-12)


def test_all_minimum_is_0_and_all_maximum_is_100() -> None:
    assert review_score(WEIGHTS, dict.fromkeys(WEIGHTS, 1)) == 0.0
    assert review_score(WEIGHTS, dict.fromkeys(WEIGHTS, 5)) == 100.0


def test_custom_scale_is_normalised() -> None:
    assert review_score({"a": 1}, {"a": 7}, min=0, max=10) == pytest.approx(70.0)


@pytest.mark.parametrize(
    ("weights", "scores", "message"),
    [
        (WEIGHTS, {"impact": 5, "feasibility": 3, "novelty": 4}, "missing: clarity"),
        ({"a": 1}, {"a": 3, "b": 2}, "not in the rubric: b"),
        ({"a": 1}, {"a": 6}, "whole number from 1 to 5"),
        ({"a": 1}, {"a": 0}, "whole number from 1 to 5"),
        ({"a": 1}, {"a": 2.5}, "whole number from 1 to 5"),
        ({"a": 1}, {"a": True}, "whole number from 1 to 5"),
        ({"a": 0}, {"a": 3}, "positive whole-number weight"),
        ({"a": 1.5}, {"a": 3}, "positive whole-number weight"),
        ({}, {}, "no criteria"),
    ],
)
def test_invalid_reviews_raise_readable_errors(
    weights: dict[str, object], scores: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        review_score(weights, scores)


def test_inverted_scale_is_rejected() -> None:
    with pytest.raises(ValueError, match="min < max"):
        review_score({"a": 1}, {"a": 3}, min=5, max=1)


def test_entry_passes_at_or_above_the_passing_score() -> None:
    assert passes(72.5, 72.5)
    assert passes(72.49999999999, 72.5)  # equal at 6 dp
    assert not passes(72.4, 72.5)
    assert passes(0.0, None)

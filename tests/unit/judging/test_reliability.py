"""Reliability reproduces docs/judging.md, "Reliability": alpha, ICC and judge flags."""

import itertools
import random

import pytest

from judging.algorithms.calibration import Review, calibrate
from judging.algorithms.reliability import (
    AGREEMENT_UNKNOWN,
    LOW_AGREEMENT,
    MISSING_COMMENTS,
    NEGATIVE_CORRELATION,
    OUTLIER_BIAS,
    ZERO_VARIANCE,
    Alpha,
    icc_oneway,
    judge_flags,
    krippendorff_alpha,
    leave_one_out_correlation,
    review_units,
    round_flags,
)
from tests.unit.judging.examples import EXAMPLE


def brute_force_alpha(units: dict[int, list[float]]) -> float:
    pairable = [u for u in units.values() if len(u) >= 2]
    values = [v for u in pairable for v in u]
    n = len(values)
    observed = (
        sum(
            sum((a - b) ** 2 for a, b in itertools.permutations(u, 2)) / (len(u) - 1)
            for u in pairable
        )
        / n
    )
    expected = sum((a - b) ** 2 for a, b in itertools.permutations(values, 2)) / (n * (n - 1))
    return 1 - observed / expected


def test_alpha_on_raw_scores() -> None:
    alpha = krippendorff_alpha(review_units(EXAMPLE))
    assert alpha is not None
    assert alpha.observed == pytest.approx(550, abs=1e-9)
    assert alpha.expected == pytest.approx(609.7143, abs=5e-5)
    assert alpha.alpha == pytest.approx(0.097938, abs=5e-7)
    assert alpha.pairable == 8


def test_alpha_on_bias_adjusted_scores() -> None:
    bias = calibrate(EXAMPLE).judge_bias
    alpha = krippendorff_alpha(review_units(EXAMPLE, bias))
    assert alpha is not None
    assert alpha.alpha == pytest.approx(0.513910, abs=5e-7)


def test_alpha_matches_the_literal_pair_sums_on_sparse_data() -> None:
    rng = random.Random(5)
    for _ in range(20):
        units = {u: [rng.uniform(0, 100) for _ in range(rng.randrange(0, 5))] for u in range(12)}
        result = krippendorff_alpha(units)
        if sum(len(v) for v in units.values() if len(v) >= 2) >= 2:
            assert result is not None
            assert result.alpha == pytest.approx(brute_force_alpha(units), abs=1e-9)


def test_alpha_is_undefined_without_pairable_spread() -> None:
    assert krippendorff_alpha({1: [5.0], 2: [7.0]}) is None
    assert krippendorff_alpha({1: [5.0, 5.0], 2: [5.0, 5.0]}) is None


def test_icc_example() -> None:
    icc = icc_oneway(review_units(EXAMPLE))
    assert icc is not None
    assert icc.msb == pytest.approx(344.6667, abs=5e-5)
    assert icc.msw == pytest.approx(275, abs=1e-9)
    assert icc.k == pytest.approx(2)
    assert icc.single == pytest.approx(0.112426, abs=5e-7)
    assert icc.average == pytest.approx(0.202128, abs=5e-7)


def test_icc_needs_groups_and_within_spread() -> None:
    assert icc_oneway({1: [3.0, 4.0]}) is None
    assert icc_oneway({1: [3.0], 2: [4.0]}) is None


def test_unbalanced_icc_uses_the_adjusted_group_size() -> None:
    icc = icc_oneway({1: [1.0, 2.0, 3.0], 2: [5.0, 6.0], 3: [9.0, 9.5, 10.0, 8.0]})
    assert icc is not None
    assert icc.k == pytest.approx((9 - (9 + 4 + 16) / 9) / 2)


def test_round_flags() -> None:
    assert round_flags(Alpha(0.5, 1, 2, 10)) == (LOW_AGREEMENT,)
    assert round_flags(Alpha(0.7, 1, 2, 10)) == ()
    assert round_flags(None) == (AGREEMENT_UNKNOWN,)


def test_example_judges_raise_no_flags() -> None:
    assert judge_flags(EXAMPLE, calibrate(EXAMPLE).judge_bias) == {}


def test_judge_flags() -> None:
    reviews = [Review(e, j, 10.0 * e + j) for e in range(1, 7) for j in range(1, 8)]
    reviews = [r for r in reviews if r.judge_id != 5]
    reviews += [Review(e, 5, 50.0) for e in range(1, 7)]  # constant scores
    reviews = [r for r in reviews if r.judge_id != 6]
    reviews += [Review(e, 6, 100.0 - 10 * e) for e in range(1, 7)]  # reversed taste
    bias = {1: 0.5, 2: -0.4, 3: 0.3, 4: -0.2, 5: 0.1, 6: 0.0, 7: 30.0}
    flags = judge_flags(reviews, bias, comments={1: (4, 6), 2: (3, 6)})
    assert flags == {
        1: (MISSING_COMMENTS,),
        5: (ZERO_VARIANCE,),
        6: (NEGATIVE_CORRELATION,),
        7: (OUTLIER_BIAS,),
    }


def test_leave_one_out_needs_three_shared_entries() -> None:
    reviews = [Review(1, 1, 10), Review(1, 2, 20), Review(2, 1, 30), Review(2, 2, 10)]
    assert leave_one_out_correlation(reviews) == {}

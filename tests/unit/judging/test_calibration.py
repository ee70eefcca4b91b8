"""The ridge judge-bias model reproduces docs/judging.md, "Calibration", and its properties."""

from collections.abc import Callable
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judging.algorithms.calibration import (
    Review,
    average_ranks,
    borda,
    calibrate,
    mean_centered,
    z_scores,
)
from tests.unit.judging.examples import EXAMPLE, S1, S2, S3, S4, A, B, C

HYPOTHESIS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def dense_solve(reviews: list[Review], lam: float) -> tuple[dict[int, float], dict[int, float]]:
    """Reference: the full (N+M)×(N+M) normal equations for f and b."""
    entries = sorted({r.entry_id for r in reviews})
    judges = sorted({r.judge_id for r in reviews})
    n = len(entries)
    size = n + len(judges)
    matrix, rhs = np.zeros((size, size)), np.zeros(size)
    for r in reviews:
        i, j = entries.index(r.entry_id), n + judges.index(r.judge_id)
        for a, b in ((i, i), (i, j), (j, i), (j, j)):
            matrix[a, b] += 1
        rhs[i] += r.score
        rhs[j] += r.score
    matrix[range(n, size), range(n, size)] += lam
    solution = np.linalg.solve(matrix, rhs)
    f = {e: float(solution[k]) for k, e in enumerate(entries)}
    b = {j: float(solution[n + k]) for k, j in enumerate(judges)}
    return f, b


def kendall_tau(a: dict[int, float], b: dict[int, float]) -> float:
    ids = sorted(a)
    total = concordant = 0
    for x in range(len(ids)):
        for y in range(x + 1, len(ids)):
            sign = (a[ids[x]] - a[ids[y]]) * (b[ids[x]] - b[ids[y]])
            concordant += (sign > 0) - (sign < 0)
            total += 1
    return concordant / total


def test_worked_example_matches_the_exact_fractions() -> None:
    result = calibrate(EXAMPLE)
    expected_f = {S1: Fraction(4717, 63), S2: Fraction(456, 7), S3: Fraction(533, 7)}
    expected_f[S4] = Fraction(3401, 63)
    for entry, value in expected_f.items():
        assert result.entry_scores[entry] == pytest.approx(float(value), abs=1e-9)
    expected_b = {A: Fraction(502, 63), B: Fraction(-520, 63), C: Fraction(2, 7)}
    for judge, value in expected_b.items():
        assert result.judge_bias[judge] == pytest.approx(float(value), abs=1e-9)
    assert result.entry_scores[S1] == pytest.approx(74.8730, abs=5e-5)
    assert result.entry_scores[S2] == pytest.approx(65.1429, abs=5e-5)
    assert result.entry_scores[S3] == pytest.approx(76.1429, abs=5e-5)
    assert result.entry_scores[S4] == pytest.approx(53.9841, abs=5e-5)
    assert result.raw_means == {S1: 79.0, S2: 65.0, S3: 76.0, S4: 50.0}
    assert result.review_counts == {S1: 2, S2: 2, S3: 2, S4: 2}
    assert result.components == 1
    assert result.lam == 2.0


def test_ridge_ranks_s3_above_s1_while_raw_means_do_not() -> None:
    result = calibrate(EXAMPLE)
    assert max(result.raw_means, key=result.raw_means.get) == S1
    assert max(result.entry_scores, key=result.entry_scores.get) == S3


@pytest.mark.parametrize(
    ("method", "expected", "tol"),
    [
        (mean_centered, {S1: 71.3333, S2: 64.1667, S3: 75.1667, S4: 59.3333}, 5e-5),
        (z_scores, {S1: 0.6422, S2: -0.6327, S3: 0.8140, S4: -0.8236}, 5e-5),
        (borda, {S1: 0.875, S2: 0.25, S3: 0.875, S4: 0.0}, 1e-12),
    ],
)
def test_comparison_table_rows_match(
    method: Callable[[list[Review]], dict[int, float]], expected: dict[int, float], tol: float
) -> None:
    assert method(EXAMPLE) == pytest.approx(expected, abs=tol)


def test_z_score_ignores_judges_without_spread() -> None:
    flat = [Review(1, 9, 70), Review(2, 9, 70), Review(3, 8, 50)]
    assert z_scores(flat) == {1: 0.0, 2: 0.0, 3: 0.0}


def test_average_ranks_share_ties() -> None:
    assert average_ranks({1: 88, 2: 80, 3: 88}) == {1: 1.5, 3: 1.5, 2: 3.0}
    assert average_ranks({1: 3, 2: 1}, descending=False) == {2: 1.0, 1: 2.0}


def test_schur_elimination_equals_the_dense_solve_on_the_example() -> None:
    f, b = dense_solve(EXAMPLE, 2.0)
    result = calibrate(EXAMPLE)
    assert result.entry_scores == pytest.approx(f, abs=1e-9)
    assert result.judge_bias == pytest.approx(b, abs=1e-9)


design = st.lists(
    st.tuples(st.integers(1, 8), st.integers(1, 5), st.integers(0, 100)),
    min_size=1,
    max_size=30,
    unique_by=lambda t: (t[0], t[1]),
)


@HYPOTHESIS
@given(rows=design, lam=st.sampled_from([0.01, 0.5, 2.0, 10.0]))
def test_schur_elimination_equals_the_dense_solve(rows: list, lam: float) -> None:
    reviews = [Review(e, j, float(y)) for e, j, y in rows]
    f, b = dense_solve(reviews, lam)
    result = calibrate(reviews, lam)
    assert result.entry_scores == pytest.approx(f, abs=1e-6)
    assert result.judge_bias == pytest.approx(b, abs=1e-6)


def test_disconnected_graph_is_still_solvable() -> None:
    reviews = [*EXAMPLE, Review(10, 20, 30), Review(10, 21, 40), Review(11, 21, 90)]
    result = calibrate(reviews)
    assert result.components == 2
    f, b = dense_solve(reviews, 2.0)
    assert result.entry_scores == pytest.approx(f, abs=1e-9)
    assert result.judge_bias == pytest.approx(b, abs=1e-9)
    # The first component is unaffected by the second.
    assert result.entry_scores[S1] == pytest.approx(4717 / 63, abs=1e-9)


def test_entry_with_one_review_is_its_score_minus_the_judge_bias() -> None:
    reviews = [*EXAMPLE, Review(5, A, 90)]
    result = calibrate(reviews)
    assert result.review_counts[5] == 1
    assert result.entry_scores[5] == pytest.approx(90 - result.judge_bias[A], abs=1e-9)


def test_huge_lambda_gives_raw_means() -> None:
    result = calibrate(EXAMPLE, lam=1e12)
    assert result.entry_scores == pytest.approx(result.raw_means, abs=1e-6)
    assert all(abs(b) < 1e-6 for b in result.judge_bias.values())


def test_complete_design_shifts_by_mean_bias_and_keeps_the_ranking() -> None:
    rng = np.random.default_rng(7)
    offsets = {1: 8.0, 2: -3.0, 3: 0.5, 4: -9.0}
    reviews = [
        Review(e, j, 50 + 3 * e + offsets[j] + float(rng.normal(0, 4)))
        for e in range(1, 13)
        for j in offsets
    ]
    result = calibrate(reviews)
    mean_bias = sum(result.judge_bias.values()) / len(result.judge_bias)
    for entry, raw in result.raw_means.items():
        assert result.entry_scores[entry] == pytest.approx(raw - mean_bias, abs=1e-9)
    order = sorted(result.raw_means, key=result.raw_means.get)
    assert order == sorted(result.entry_scores, key=result.entry_scores.get)


@pytest.mark.parametrize("n_j", [1, 2, 4, 8])
def test_judge_with_few_reviews_is_shrunk_by_n_over_n_plus_lambda(n_j: int) -> None:
    # 40 exact, unbiased judges pin every entry; judge 99 adds +10 on n_j entries.
    reviews = [Review(e, j, 10.0 * e) for e in range(1, 9) for j in range(1, 41)]
    reviews += [Review(e, 99, 10.0 * e + 10) for e in range(1, n_j + 1)]
    bias = calibrate(reviews).judge_bias[99]
    assert bias == pytest.approx(10 * n_j / (n_j + 2), rel=0.05)


def test_calibration_beats_raw_means_on_simulated_lenient_judges() -> None:
    calibrated, raw = [], []
    for seed in range(30):
        rng = np.random.default_rng(seed)
        truth = {e: float(q) for e, q in enumerate(rng.normal(60, 15, 40))}
        offsets = rng.normal(0, 10, 12)
        reviews = [
            Review(e, int(j), truth[e] + float(offsets[j]) + float(rng.normal(0, 5)))
            for e in truth
            for j in rng.choice(12, 3, replace=False)
        ]
        result = calibrate(reviews)
        calibrated.append(kendall_tau(result.entry_scores, truth))
        raw.append(kendall_tau(result.raw_means, truth))
    assert sum(calibrated) / 30 > sum(raw) / 30
    assert sum(c > r for c, r in zip(calibrated, raw, strict=True)) >= 25


def test_ten_thousand_entries_with_150_judges_calibrate() -> None:
    rng = np.random.default_rng(1)
    judges = np.argsort(rng.random((10_000, 150)), axis=1)[:, :3]
    scores = rng.normal(60, 10, (10_000, 3))
    reviews = [
        Review(e, int(judges[e, k]), float(scores[e, k])) for e in range(10_000) for k in range(3)
    ]
    result = calibrate(reviews)
    assert len(result.entry_scores) == 10_000
    assert len(result.judge_bias) == 150
    assert all(np.isfinite(list(result.entry_scores.values())))
    assert max(abs(b) for b in result.judge_bias.values()) < 5


@pytest.mark.parametrize("lam", [0, -1, float("nan"), float("inf")])
def test_lambda_must_be_positive(lam: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        calibrate(EXAMPLE, lam)


def test_duplicate_reviews_are_rejected() -> None:
    with pytest.raises(ValueError, match="more than once"):
        calibrate([*EXAMPLE, Review(S1, A, 10)])


def test_no_reviews_give_an_empty_result() -> None:
    result = calibrate([])
    assert result.entry_scores == {} and result.components == 0

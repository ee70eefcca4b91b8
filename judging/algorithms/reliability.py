"""Krippendorff's alpha, one-way ICC and judge flags (docs/judging.md, "Reliability")."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from judging.algorithms.calibration import Review, as_reviews

ALPHA_ACCEPTABLE = 0.667
ALPHA_RELIABLE = 0.800
BIAS_SD_LIMIT = 2.0
MISSING_COMMENTS_SHARE = 0.5
MIN_CORRELATION_PAIRS = 3

LOW_AGREEMENT = "low_agreement"
AGREEMENT_UNKNOWN = "agreement_unknown"
ZERO_VARIANCE = "zero_variance"
OUTLIER_BIAS = "outlier_bias"
NEGATIVE_CORRELATION = "negative_correlation"
MISSING_COMMENTS = "missing_comments"


@dataclass(frozen=True)
class Alpha:
    """Krippendorff's alpha with its observed and expected disagreement."""

    alpha: float
    observed: float
    expected: float
    pairable: int


@dataclass(frozen=True)
class ICC:
    """One-way intraclass correlations with their mean squares; k is the (mean) group size."""

    msb: float
    msw: float
    k: float
    single: float
    average: float


def review_units(
    reviews: Iterable[Sequence[float]], bias: Mapping[int, float] | None = None
) -> dict[int, list[float]]:
    """Group review scores by entry, subtracting the judge's bias b_j when one is given."""
    units: dict[int, list[float]] = defaultdict(list)
    for row in reviews:
        review = Review(int(row[0]), int(row[1]), float(row[2]))
        shift = bias.get(review.judge_id, 0.0) if bias else 0.0
        units[review.entry_id].append(review.score - shift)
    return dict(sorted(units.items()))


def _sum_sq_dev(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values)


def krippendorff_alpha(units: Mapping[Hashable, Sequence[float]]) -> Alpha | None:
    """Interval alpha = 1 − D_o/D_e over units with ≥ 2 values (n = their value count).

    D_o = (1/n)·Σ_u Σ_{i≠j∈u} (v_i − v_j)²/(m_u − 1) and
    D_e = Σ_{i≠j} (v_i − v_j)²/(n(n − 1)) over all pairable values; ordered pair sums
    are computed as 2·m·Σ(v − v̄)². None when fewer than two pairable values or D_e = 0.
    """
    pairable = [list(map(float, values)) for values in units.values() if len(values) >= 2]
    every = [value for values in pairable for value in values]
    n = len(every)
    if n < 2:
        return None
    observed = sum(2 * len(u) * _sum_sq_dev(u) / (len(u) - 1) for u in pairable) / n
    expected = 2 * n * _sum_sq_dev(every) / (n * (n - 1))
    if expected == 0:
        return None
    return Alpha(1 - observed / expected, observed, expected, n)


def icc_oneway(units: Mapping[Hashable, Sequence[float]]) -> ICC | None:
    """ICC(1,1) = (MSB − MSW)/(MSB + (k − 1)·MSW) and ICC(1,k) = (MSB − MSW)/MSB.

    One-way ANOVA with entries as groups: MSB = Σ n_i(ȳ_i − ȳ)²/(N − 1) and
    MSW = Σ_i Σ (y − ȳ_i)²/(n − N). Unbalanced groups use
    k = (n − Σ n_i²/n)/(N − 1), which is the common size when balanced. None when
    there are fewer than two groups, no within-group freedom, or MSB = 0.
    """
    groups = [list(map(float, values)) for values in units.values() if values]
    count = len(groups)
    total = sum(len(g) for g in groups)
    if count < 2 or total <= count:
        return None
    grand = sum(sum(g) for g in groups) / total
    msb = sum(len(g) * (sum(g) / len(g) - grand) ** 2 for g in groups) / (count - 1)
    msw = sum(_sum_sq_dev(g) for g in groups) / (total - count)
    k = (total - sum(len(g) ** 2 for g in groups) / total) / (count - 1)
    if msb == 0:
        return None
    return ICC(msb, msw, k, (msb - msw) / (msb + (k - 1) * msw), (msb - msw) / msb)


def round_flags(alpha: Alpha | None) -> tuple[str, ...]:
    """Flag a round whose alpha is below 0.667, or cannot be computed."""
    if alpha is None:
        return (AGREEMENT_UNKNOWN,)
    return (LOW_AGREEMENT,) if alpha.alpha < ALPHA_ACCEPTABLE else ()


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / math.sqrt(sxx * syy)


def leave_one_out_correlation(reviews: Iterable[Sequence[float]]) -> dict[int, float]:
    """Pearson r per judge between their score and the mean of co-judges' scores on an entry.

    Only entries with at least one co-judge count; judges with fewer than three such
    entries or constant scores on either side get no value.
    """
    rows = as_reviews(reviews)
    by_entry: dict[int, list[Review]] = defaultdict(list)
    for row in rows:
        by_entry[row.entry_id].append(row)
    pairs: dict[int, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for group in by_entry.values():
        total = sum(r.score for r in group)
        for row in group:
            if len(group) > 1:
                pairs[row.judge_id][0].append(row.score)
                pairs[row.judge_id][1].append((total - row.score) / (len(group) - 1))
    result: dict[int, float] = {}
    for judge, (own, others) in sorted(pairs.items()):
        if len(own) >= MIN_CORRELATION_PAIRS:
            r = _pearson(own, others)
            if r is not None:
                result[judge] = r
    return result


def judge_flags(
    reviews: Iterable[Sequence[float]],
    bias: Mapping[int, float],
    comments: Mapping[int, tuple[int, int]] | None = None,
) -> dict[int, tuple[str, ...]]:
    """Return the judges needing a look, with reasons.

    - zero_variance: σ_j = 0 over two or more reviews;
    - outlier_bias: |b_j| > 2·SD(b), SD the sample SD over judges;
    - negative_correlation: leave-one-out correlation with co-judges below 0;
    - missing_comments: comments maps judge → (missing, expected); more than 50% missing.
    """
    rows = as_reviews(reviews)
    reasons: dict[int, list[str]] = defaultdict(list)
    scores: dict[int, list[float]] = defaultdict(list)
    for row in rows:
        scores[row.judge_id].append(row.score)
    for judge, values in scores.items():
        if len(values) >= 2 and max(values) == min(values):
            reasons[judge].append(ZERO_VARIANCE)
    if len(bias) >= 2:
        spread = statistics.stdev(bias.values())
        for judge, value in bias.items():
            if spread > 0 and abs(value) > BIAS_SD_LIMIT * spread:
                reasons[judge].append(OUTLIER_BIAS)
    for judge, r in leave_one_out_correlation(rows).items():
        if r < 0:
            reasons[judge].append(NEGATIVE_CORRELATION)
    for judge, (missing, expected) in (comments or {}).items():
        if expected > 0 and missing / expected > MISSING_COMMENTS_SHARE:
            reasons[judge].append(MISSING_COMMENTS)
    return {judge: tuple(reasons[judge]) for judge in sorted(reasons)}

"""The ridge judge-bias model and its comparison baselines (docs/judging.md, "Calibration")."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

DEFAULT_LAMBDA = 2.0
DECIMALS = 6


class Review(NamedTuple):
    """One judge's 0–100 review score for one entry (plain tuples work too)."""

    entry_id: int
    judge_id: int
    score: float


@dataclass(frozen=True)
class Calibration:
    """Result of the ridge fit: calibrated f per entry, bias b per judge, raw means."""

    entry_scores: dict[int, float]
    judge_bias: dict[int, float]
    raw_means: dict[int, float]
    review_counts: dict[int, int]
    components: int
    lam: float


def as_reviews(reviews: Iterable[Sequence[float]]) -> list[Review]:
    """``reviews`` as a list of ``Review(int, int, float)``. A list that already is one comes
    back as it is: the judging dashboard hands the same tens of thousands of reviews to four
    functions, and a copy each would add megabytes to a worker's peak memory."""
    if isinstance(reviews, list) and all(_is_review(r) for r in reviews):
        return reviews
    return [Review(int(r[0]), int(r[1]), float(r[2])) for r in reviews]


def _is_review(row: object) -> bool:
    return (
        type(row) is Review
        and type(row.entry_id) is int
        and type(row.judge_id) is int
        and type(row.score) is float
    )


def _validated(reviews: Iterable[Sequence[float]]) -> list[Review]:
    rows = as_reviews(reviews)
    seen: set[tuple[int, int]] = set()
    for row in rows:
        if not math.isfinite(row.score):
            raise ValueError(
                f"Entry {row.entry_id} has a non-numeric score from judge {row.judge_id}."
            )
        if (row.entry_id, row.judge_id) in seen:
            raise ValueError(f"Judge {row.judge_id} reviewed entry {row.entry_id} more than once.")
        seen.add((row.entry_id, row.judge_id))
    return rows


def _count_components(rows: Sequence[Review]) -> int:
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(node: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for row in rows:
        a, b = find(("e", row.entry_id)), find(("j", row.judge_id))
        if a != b:
            parent[a] = b
    return len({find(node) for node in list(parent)})


def _schur_matrix(e: np.ndarray, j: np.ndarray, n_i: np.ndarray, m: int) -> np.ndarray:
    """Return C with C[j, j'] = Σ over entries reviewed by both j and j' of 1/n_i."""
    order = np.argsort(e, kind="stable")
    es, js = e[order], j[order]
    starts = np.concatenate(([0], np.cumsum(n_i)[:-1]))
    rep = n_i[es]
    left = np.repeat(np.arange(len(es)), rep)
    offsets = np.arange(len(left)) - np.repeat(np.cumsum(rep) - rep, rep)
    right = starts[es[left]] + offsets
    flat = js[left] * m + js[right]
    weights = 1.0 / n_i[es[left]]
    return np.bincount(flat, weights=weights, minlength=m * m).reshape(m, m)


def calibrate(reviews: Iterable[Sequence[float]], lam: float = DEFAULT_LAMBDA) -> Calibration:
    """Fit y_ij = f_i + b_j + ε by minimising Σ(y_ij − f_i − b_j)² + λΣ_j b_j² (f unpenalised).

    For fixed b the optimum is f_i = mean over i's reviews of (y_ij − b_j), so f is
    eliminated analytically (Schur complement) and only the M×M judge system
        (n_j + λ)·b_j − Σ_j' C[j, j']·b_j' = Σ_{i∈j} (y_ij − ȳ_i),
        C[j, j'] = Σ_{i reviewed by j and j'} 1/n_i,
    is solved with numpy.linalg.solve; then f_i = ȳ_i − mean_{j∈i} b_j. The matrix is
    λ·I plus a positive semi-definite Laplacian, so any λ > 0 makes it solvable even
    when the judge–entry graph is disconnected (`components` > 1); scores in different
    components are then only comparable through the prior b ≈ 0. Memory is O(M²), not
    O((N+M)²). Duplicate (entry, judge) pairs raise ValueError.
    """
    if not (math.isfinite(lam) and lam > 0):
        raise ValueError("The calibration strength λ must be a positive number.")
    rows = _validated(reviews)
    if not rows:
        return Calibration({}, {}, {}, {}, 0, lam)
    entry_ids = sorted({row.entry_id for row in rows})
    judge_ids = sorted({row.judge_id for row in rows})
    entry_pos = {entry: pos for pos, entry in enumerate(entry_ids)}
    judge_pos = {judge: pos for pos, judge in enumerate(judge_ids)}
    e = np.fromiter((entry_pos[r.entry_id] for r in rows), dtype=np.int64, count=len(rows))
    j = np.fromiter((judge_pos[r.judge_id] for r in rows), dtype=np.int64, count=len(rows))
    y = np.fromiter((r.score for r in rows), dtype=np.float64, count=len(rows))
    m = len(judge_ids)
    n_i = np.bincount(e, minlength=len(entry_ids))
    n_j = np.bincount(j, minlength=m)
    raw = np.bincount(e, weights=y) / n_i
    rhs = np.bincount(j, weights=y - raw[e], minlength=m)
    matrix = -_schur_matrix(e, j, n_i, m)
    matrix[np.diag_indices(m)] += n_j + lam
    bias = np.linalg.solve(matrix, rhs)
    calibrated = raw - np.bincount(e, weights=bias[j], minlength=len(entry_ids)) / n_i
    return Calibration(
        entry_scores={entry: float(calibrated[p]) for entry, p in entry_pos.items()},
        judge_bias={judge: float(bias[p]) for judge, p in judge_pos.items()},
        raw_means={entry: float(raw[p]) for entry, p in entry_pos.items()},
        review_counts={entry: int(n_i[p]) for entry, p in entry_pos.items()},
        components=_count_components(rows),
        lam=lam,
    )


def average_ranks(values: Mapping[int, float], descending: bool = True) -> dict[int, float]:
    """Rank values 1..N (1 = best when descending); ties at 6 dp share their average rank."""
    sign = -1 if descending else 1
    keyed = sorted(values, key=lambda k: (sign * round(values[k], DECIMALS), k))
    ranks: dict[int, float] = {}
    start = 0
    while start < len(keyed):
        end = start
        level = round(values[keyed[start]], DECIMALS)
        while end + 1 < len(keyed) and round(values[keyed[end + 1]], DECIMALS) == level:
            end += 1
        for key in keyed[start : end + 1]:
            ranks[key] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def _by_judge(rows: Sequence[Review]) -> dict[int, list[Review]]:
    groups: dict[int, list[Review]] = defaultdict(list)
    for row in rows:
        groups[row.judge_id].append(row)
    return groups


def _entry_means(pairs: Iterable[tuple[int, float]]) -> dict[int, float]:
    sums: dict[int, list[float]] = defaultdict(list)
    for entry, value in pairs:
        sums[entry].append(value)
    return {entry: sum(vals) / len(vals) for entry, vals in sorted(sums.items())}


def mean_centered(reviews: Iterable[Sequence[float]]) -> dict[int, float]:
    """Mean over an entry's reviews of x − μ_j + μ_all (μ_all = mean of all reviews)."""
    rows = _validated(reviews)
    if not rows:
        return {}
    overall = sum(r.score for r in rows) / len(rows)
    judge_mean = {j: sum(r.score for r in g) / len(g) for j, g in _by_judge(rows).items()}
    return _entry_means((r.entry_id, r.score - judge_mean[r.judge_id] + overall) for r in rows)


def z_scores(reviews: Iterable[Sequence[float]]) -> dict[int, float]:
    """Mean over an entry's reviews of (x − μ_j)/σ_j with the sample SD σ_j.

    A judge with one review or σ_j = 0 carries no spread information and contributes 0.
    """
    rows = _validated(reviews)
    pairs: list[tuple[int, float]] = []
    for group in _by_judge(rows).values():
        mean = sum(r.score for r in group) / len(group)
        var = sum((r.score - mean) ** 2 for r in group) / (len(group) - 1) if len(group) > 1 else 0
        sd = math.sqrt(var)
        for r in group:
            pairs.append((r.entry_id, (r.score - mean) / sd if sd > 0 else 0.0))
    return _entry_means(pairs)


def borda(reviews: Iterable[Sequence[float]]) -> dict[int, float]:
    """Mean over an entry's reviews of (n_j − rank)/(n_j − 1) within the judge's batch.

    Ranks are 1 = best with average ranks for ties; a judge with a single review gives 0.5.
    """
    rows = _validated(reviews)
    pairs: list[tuple[int, float]] = []
    for group in _by_judge(rows).values():
        n = len(group)
        ranks = average_ranks({r.entry_id: r.score for r in group})
        for r in group:
            pairs.append((r.entry_id, (n - ranks[r.entry_id]) / (n - 1) if n > 1 else 0.5))
    return _entry_means(pairs)

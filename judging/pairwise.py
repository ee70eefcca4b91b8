"""Pairwise judging: Gavel-style Crowd-BT online updates and offline Bradley–Terry fits (§3)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from typing import NamedTuple

import networkx as nx
import numpy as np

MU_PRIOR = 0.0
SIGMA_SQ_PRIOR = 1.0
ALPHA_PRIOR = 10.0
BETA_PRIOR = 1.0
GAMMA = 0.1
KAPPA = 1e-4
EPSILON = 0.25
MIN_VIEWS = 2
TIMEOUT = timedelta(minutes=5)


class ItemBelief(NamedTuple):
    """Gaussian belief N(mu, sigma_sq) about an item's quality."""

    mu: float = MU_PRIOR
    sigma_sq: float = SIGMA_SQ_PRIOR


class JudgeBelief(NamedTuple):
    """Beta(alpha, beta) belief about a judge's reliability η."""

    alpha: float = ALPHA_PRIOR
    beta: float = BETA_PRIOR


class Outcome(NamedTuple):
    """Beliefs after one decision."""

    judge: JudgeBelief
    winner: ItemBelief
    loser: ItemBelief


@dataclass(frozen=True)
class PairItem:
    """An item as the next-item choice sees it; views counts judges who have seen it."""

    item_id: int
    belief: ItemBelief = field(default_factory=ItemBelief)
    views: int = 0
    active: bool = True
    prioritized: bool = False


def _updated_judge(judge: JudgeBelief, w: ItemBelief, lo: ItemBelief) -> tuple[JudgeBelief, float]:
    a, b = judge
    ew, el = math.exp(w.mu), math.exp(lo.mu)
    c1 = ew / (ew + el) + 0.5 * (w.sigma_sq + lo.sigma_sq) * ew * el * (el - ew) / (ew + el) ** 3
    c2 = 1 - c1
    c = (c1 * a + c2 * b) / (a + b)
    e1 = (c1 * (a + 1) * a + c2 * a * b) / (c * (a + b + 1) * (a + b))
    e2 = (c1 * (a + 2) * (a + 1) * a + c2 * (a + 1) * a * b) / (
        c * (a + b + 2) * (a + b + 1) * (a + b)
    )
    variance = e2 - e1**2
    return JudgeBelief((e1 - e2) * e1 / variance, (e1 - e2) * (1 - e1) / variance), c


def _updated_items(
    judge: JudgeBelief, w: ItemBelief, lo: ItemBelief
) -> tuple[ItemBelief, ItemBelief]:
    a, b = judge
    ew, el = math.exp(w.mu), math.exp(lo.mu)
    m = a * ew / (a * ew + b * el) - ew / (ew + el)
    v = a * ew * b * el / (a * ew + b * el) ** 2 - ew * el / (ew + el) ** 2
    return (
        ItemBelief(w.mu + w.sigma_sq * m, w.sigma_sq * max(1 + w.sigma_sq * v, KAPPA)),
        ItemBelief(lo.mu - lo.sigma_sq * m, lo.sigma_sq * max(1 + lo.sigma_sq * v, KAPPA)),
    )


def crowd_bt_update(judge: JudgeBelief, winner: ItemBelief, loser: ItemBelief) -> Outcome:
    """Apply one Crowd-BT decision (§3 update; every right-hand side uses the old values)."""
    new_judge, _ = _updated_judge(judge, winner, loser)
    new_winner, new_loser = _updated_items(judge, winner, loser)
    return Outcome(new_judge, new_winner, new_loser)


def kl_gaussian(p: ItemBelief, q: ItemBelief) -> float:
    """KL(N(p) ‖ N(q)) = (μ₁ − μ₂)²/(2σ²₂) + (r − 1 − ln r)/2 with r = σ²₁/σ²₂."""
    r = p.sigma_sq / q.sigma_sq
    return (p.mu - q.mu) ** 2 / (2 * q.sigma_sq) + (r - 1 - math.log(r)) / 2


def _digamma(x: float) -> float:
    result = 0.0
    while x < 6:
        result -= 1 / x
        x += 1
    f = 1 / (x * x)
    series = f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))))
    return result + math.log(x) - 0.5 / x - series


def _betaln(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def kl_beta(p: JudgeBelief, q: JudgeBelief) -> float:
    """KL(Beta(α₁, β₁) ‖ Beta(α₂, β₂)), as in Gavel (digamma via its asymptotic series)."""
    (a1, b1), (a2, b2) = p, q
    return (
        _betaln(a2, b2)
        - _betaln(a1, b1)
        + (a1 - a2) * _digamma(a1)
        + (b1 - b2) * _digamma(b1)
        + (a2 - a1 + b2 - b1) * _digamma(a1 + b1)
    )


def expected_information_gain(judge: JudgeBelief, a: ItemBelief, b: ItemBelief) -> float:
    """EIG = c·[KL_N(a′‖a) + KL_N(b′‖b) + γ·KL_Beta] + (1 − c)·[same with b winning]."""
    judge_a, c = _updated_judge(judge, a, b)
    a_wins, b_loses = _updated_items(judge, a, b)
    judge_b, _ = _updated_judge(judge, b, a)
    b_wins, a_loses = _updated_items(judge, b, a)
    gain_a = kl_gaussian(a_wins, a) + kl_gaussian(b_loses, b) + GAMMA * kl_beta(judge_a, judge)
    gain_b = kl_gaussian(a_loses, a) + kl_gaussian(b_wins, b) + GAMMA * kl_beta(judge_b, judge)
    return c * gain_a + (1 - c) * gain_b


def decision_rng(round_id: int, judge_id: int, n_decisions: int) -> Random:
    """Return Random(f"{round_id}:{judge_id}:{n_decisions}") so every choice is replayable."""
    return Random(f"{round_id}:{judge_id}:{n_decisions}")  # noqa: S311 - not for secrets


def busy_item_ids(
    next_items: Iterable[tuple[int, datetime]], now: datetime, timeout: timedelta = TIMEOUT
) -> set[int]:
    """Items that are some active judge's `next`, given as (item_id, updated_at) < timeout ago."""
    return {item for item, updated in next_items if now - updated < timeout}


def preferred_items(
    items: Iterable[PairItem], ignored: Iterable[int] = (), busy: Iterable[int] = ()
) -> list[PairItem]:
    """Return Gavel's candidates for a judge's next item, sorted by id.

    Active and not ignored; only the prioritized ones if any; drop busy items unless
    none would remain; prefer items with fewer than MIN_VIEWS views.
    """
    skip, taken = set(ignored), set(busy)
    pool = sorted((i for i in items if i.active and i.item_id not in skip), key=lambda i: i.item_id)
    pool = [i for i in pool if i.prioritized] or pool
    pool = [i for i in pool if i.item_id not in taken] or pool
    return [i for i in pool if i.views < MIN_VIEWS] or pool


def choose_next(
    candidates: Sequence[PairItem], judge: JudgeBelief, prev: ItemBelief | None, rng: Random
) -> int | None:
    """Return the next item id for a judge, or None when there are no candidates.

    Sort by id, shuffle with rng, then with probability ε (or with no previous item)
    take the first; otherwise the first maximiser of EIG against prev.
    """
    pool = sorted(candidates, key=lambda i: i.item_id)
    rng.shuffle(pool)
    if not pool:
        return None
    if prev is None or rng.random() < EPSILON:
        return pool[0].item_id
    return max(pool, key=lambda i: expected_information_gain(judge, prev, i.belief)).item_id


def rank_items(items: Iterable[PairItem]) -> list[int]:
    """Final pairwise order: μ descending, then σ² ascending, then id."""
    ordered = sorted(items, key=lambda i: (-i.belief.mu, i.belief.sigma_sq, i.item_id))
    return [i.item_id for i in ordered]


def bt_probability(p_i: float, p_j: float) -> float:
    """P(i ≻ j) = p_i/(p_i + p_j) under Bradley–Terry."""
    return p_i / (p_i + p_j)


def bradley_terry(
    comparisons: Iterable[tuple[int, int]],
    *,
    prior: bool = False,
    item_ids: Iterable[int] = (),
    tol: float = 1e-12,
    max_iter: int = 100_000,
) -> dict[int, float]:
    """Fit Bradley–Terry strengths to (winner_id, loser_id) pairs by MM iteration.

    The update is p_i ← W_i / Σ_j n_ij/(p_i + p_j), run until the largest step is
    below tol (relative).

    Without the prior the geometric mean is normalised to 1 and the win graph must be
    strongly connected (else an undefeated item diverges: ValueError). With the prior
    each item also gets 1 win and 1 loss against a phantom with p = 1, and no
    renormalisation is applied.
    """
    pairs = [(int(w), int(lo)) for w, lo in comparisons]
    if any(w == lo for w, lo in pairs):
        raise ValueError("An item cannot beat itself.")
    ids = sorted({*item_ids, *(x for pair in pairs for x in pair)})
    if not ids:
        return {}
    pos = {item: k for k, item in enumerate(ids)}
    wins = np.zeros((len(ids), len(ids)))
    for w, lo in pairs:
        wins[pos[w], pos[lo]] += 1
    if not prior and len(ids) > 1:
        graph = nx.DiGraph()
        graph.add_nodes_from(ids)
        graph.add_edges_from(pairs)
        if not nx.is_strongly_connected(graph):
            raise ValueError("Every item needs a win and a loss in one connected contest.")
    games = wins + wins.T
    won = wins.sum(axis=1) + (1 if prior else 0)
    p = np.ones(len(ids))
    for _ in range(max_iter):
        denominator = (games / (p[:, None] + p[None, :])).sum(axis=1)
        if prior:
            denominator += 2 / (p + 1)
        new = won / denominator
        if not prior:
            new /= math.exp(np.log(new).mean())
        done = np.max(np.abs(new - p)) <= tol * np.max(new)
        p = new
        if done:
            break
    return {item: float(p[k]) for item, k in pos.items()}

"""The tie-break chain and prize-boundary tie flags (docs/judging.md, "Tie-break chain")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

DECIMALS = 6

FINAL_SCORE, CRITERIA, RAW_MEAN, HEAD_TO_HEAD, SUBMITTED_AT, LOWER_ID = range(1, 7)


@dataclass(frozen=True)
class RankingEntry:
    """One entry's inputs to the chain; judge_scores maps judge_id → that judge's score."""

    submission_id: int
    final_score: float
    raw_mean: float
    submitted_at: datetime
    criterion_means: Mapping[str, float] = field(default_factory=dict)
    judge_scores: Mapping[int, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RankedRow:
    """A ranked entry; decided_by is the chain step (1–6) that puts it above the next row."""

    rank: int
    submission_id: int
    final_score: float
    decided_by: int | None
    needs_panel_resolution: bool


def _r(value: float) -> float:
    return round(float(value), DECIMALS)


def _key(entry: RankingEntry, criteria: Sequence[str]) -> tuple[float, tuple[float, ...], float]:
    return (
        _r(entry.final_score),
        tuple(_r(entry.criterion_means[c]) for c in criteria),
        _r(entry.raw_mean),
    )


def head_to_head(a: RankingEntry, b: RankingEntry) -> int:
    """Judges who scored both and preferred a, minus those who preferred b (6 dp)."""
    net = 0
    for judge in a.judge_scores.keys() & b.judge_scores.keys():
        x, y = _r(a.judge_scores[judge]), _r(b.judge_scores[judge])
        net += (x > y) - (x < y)
    return net


def _step(
    upper: RankingEntry,
    lower: RankingEntry,
    keys: Mapping[int, tuple[float, tuple[float, ...], float]],
    net: Mapping[int, int],
) -> int:
    ku, kl = keys[upper.submission_id], keys[lower.submission_id]
    for step, (x, y) in enumerate(zip(ku, kl, strict=True), start=FINAL_SCORE):
        if x != y:
            return step
    if net[upper.submission_id] != net[lower.submission_id]:
        return HEAD_TO_HEAD
    if upper.submitted_at != lower.submitted_at:
        return SUBMITTED_AT
    return LOWER_ID


def rank_entries(
    entries: Sequence[RankingEntry],
    criterion_weights: Mapping[str, int],
    prize_places: int,
) -> list[RankedRow]:
    """Order entries by the chain, every comparison at 6 dp, best first.

    1. final score; 2. calibrated criterion means in descending weight order (rubric
    order among equal weights); 3. raw mean; 4. head-to-head among judges who scored
    both — within a group tied on 1–3, each entry's net preferences against the other
    members (for two entries, simply who more judges preferred); 5. earlier final
    submission; 6. lower id. Entries still tied after step 4 are flagged
    needs_panel_resolution when the tie touches a prize place (1..prize_places), since
    each place carries its own prize; the panel then orders them or applies 5–6.
    """
    if prize_places < 0:
        raise ValueError("The number of prize places cannot be negative.")
    if len({e.submission_id for e in entries}) != len(entries):
        raise ValueError("Each submission may appear only once in a ranking.")
    criteria = [c for c, _ in sorted(criterion_weights.items(), key=lambda cw: -cw[1])]
    for entry in entries:
        absent = [c for c in criteria if c not in entry.criterion_means]
        if absent:
            raise ValueError(
                f"Submission {entry.submission_id} has no mean for criteria: {', '.join(absent)}."
            )
    # Each key is computed once: a ranking of 10k entries compares them many times.
    keys = {e.submission_id: _key(e, criteria) for e in entries}
    order = {s: (*(-x for x in _flatten(key)), s) for s, key in keys.items()}
    ordered = sorted(entries, key=lambda e: order[e.submission_id])
    groups: list[list[RankingEntry]] = []
    for entry in ordered:
        if groups and keys[groups[-1][0].submission_id] == keys[entry.submission_id]:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    net: dict[int, int] = {}
    chain: list[RankingEntry] = []
    panel: set[int] = set()
    for group in groups:
        if len(group) == 1:  # nobody to meet head to head, nobody to tie with
            net[group[0].submission_id] = 0
            chain.append(group[0])
            continue
        for entry in group:
            net[entry.submission_id] = sum(head_to_head(entry, o) for o in group if o is not entry)
        group.sort(key=lambda e: (-net[e.submission_id], e.submitted_at, e.submission_id))
        for entry in group:
            tied = [o for o in group if net[o.submission_id] == net[entry.submission_id]]
            # The tie's best place is where its first member lands in the chain.
            best_place = len(chain) + group.index(tied[0]) + 1
            if len(tied) > 1 and best_place <= prize_places:
                panel.add(entry.submission_id)
        chain.extend(group)
    rows: list[RankedRow] = []
    for index, entry in enumerate(chain):
        below = chain[index + 1] if index + 1 < len(chain) else None
        rows.append(
            RankedRow(
                rank=index + 1,
                submission_id=entry.submission_id,
                final_score=entry.final_score,
                decided_by=_step(entry, below, keys, net) if below else None,
                needs_panel_resolution=entry.submission_id in panel,
            )
        )
    return rows


def _flatten(key: tuple[float, tuple[float, ...], float]) -> tuple[float, ...]:
    return (key[0], *key[1], key[2])

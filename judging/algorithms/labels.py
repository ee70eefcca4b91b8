"""Blind labels and gap-filling plans for assignment (docs/judging.md, "Blind review")."""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Iterable, Mapping, Sequence

from judging.algorithms.matching import blind_label, plan_assignment

LONGER_WIDTHS = (8, 10, 12)


def label_for(secret: bytes, submission_id: int, taken: set[str]) -> str:
    """``blind_label`` (6 hex), lengthened to 8, 10 or 12 hex only if that label is taken."""
    label = blind_label(secret, submission_id)
    if label not in taken:
        return label
    digest = hmac.new(secret, str(submission_id).encode(), hashlib.sha256).hexdigest()
    for width in LONGER_WIDTHS:
        label = f"Entry #{digest[:width]}"
        if label not in taken:
            return label
    raise RuntimeError("Could not find a unique blind label.")  # 48 bits collided: impossible


def entry_labels(
    secret: bytes, submission_ids: Iterable[int], existing: Mapping[int, str]
) -> dict[int, str]:
    """Labels for every entry: existing ones are kept, new ones unique within the challenge."""
    labels = dict(existing)
    taken = set(labels.values())
    for submission_id in sorted(set(submission_ids) - set(labels)):
        labels[submission_id] = label_for(secret, submission_id, taken)
        taken.add(labels[submission_id])
    return labels


def fair_limit(k: int, entries: int, judges: int) -> int:
    """L = ⌈k·N/M⌉, the most entries one judge takes when the panel shares the work."""
    return math.ceil(k * entries / judges) if judges else 0


def plan_gaps(
    submission_ids: Sequence[int],
    judge_ids: Sequence[int],
    k: int | Mapping[int, int],
    forbidden: Iterable[tuple[int, int]],
    existing: Mapping[int, Iterable[int]],
    *,
    loads: Mapping[int, int],
    caps: Mapping[int, int],
) -> tuple[list[tuple[int, int]], int]:
    """New (judge, submission) pairs that bring every entry up to k judges, and the shortfall.
    ``k`` may also map each entry to its own target (a screening entry needs a second screener
    only after a fail; a finalist needs every judge free of conflicts).

    Entries needing the same number of judges are planned together with ``plan_assignment``
    (remaining capacity as caps, current load as a tie-break through negative affinity), so a
    first run with no assignments is exactly ``plan_assignment`` over everything. Slots still
    empty are retried one judge at a time while that makes progress: a group's own balance
    limit can be tighter than the challenge-wide one.
    """
    judges = sorted(set(judge_ids))
    entries = sorted(set(submission_ids))
    blocked = set(forbidden) | {(j, s) for s, js in existing.items() for j in js}
    target = k if isinstance(k, Mapping) else dict.fromkeys(entries, k)
    need = {s: max(target.get(s, 0) - len(list(existing.get(s, ()))), 0) for s in entries}
    load = {j: loads.get(j, 0) for j in judges}
    room = {j: max(caps.get(j, 0), 0) for j in judges}
    pairs: list[tuple[int, int]] = []

    def run(group: list[int], size: int) -> int:
        affinity = {(j, s): -float(load[j]) for j in judges for s in group}
        result = plan_assignment(
            group, judges, size, blocked, judge_caps=dict(room), affinity=affinity
        )
        picked = 0
        for sub, chosen in result.assignment.items():
            for judge in chosen:
                pairs.append((judge, sub))
                blocked.add((judge, sub))
                load[judge] += 1
                room[judge] -= 1
                need[sub] -= 1
                picked += 1
        return picked

    if judges:
        for size in sorted({n for n in need.values() if n}, reverse=True):
            run([s for s in entries if need[s] == size], size)
        while any(need.values()) and run([s for s in entries if need[s] > 0], 1):
            pass
    return pairs, sum(need.values())

"""Time the judge assignment max-flow fallback: N entries × M judges, k judges each (issue 11).

    python bench/assignment.py [--entries 10000] [--judges 40] [--k 3] [--repeat 3]

Builds a seeded random conflict set (each entry conflicts with a few judges, plus a block of
entries only a handful of judges may see) so that the greedy pass leaves slots empty and
``plan_assignment`` falls back to the max-flow; prints the median wall time of that fallback
alone and of the whole ``plan_assignment`` call. Pure Python: no database, no app.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def conflicted(entries: int, judges: int, seed: int = 11) -> set[tuple[int, int]]:
    """(judge, entry) pairs to forbid: ~10 % of pairs at random, and the last tenth of the
    entries open to only k+2 judges, which the greedy pass has already loaded to their cap."""
    rng = random.Random(seed)
    forbidden = {
        (j, s) for s in range(1, entries + 1) for j in range(1, judges + 1) if rng.random() < 0.1
    }
    narrow = range(entries - entries // 10 + 1, entries + 1)
    for s in narrow:
        for j in range(6, judges + 1):
            forbidden.add((j, s))
    return forbidden


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--judges", type=int, default=40)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from judging.algorithms import matching

    subs, judges = list(range(1, args.entries + 1)), list(range(1, args.judges + 1))
    forbidden = conflicted(args.entries, args.judges)
    flows: list[float] = []
    original = matching._max_flow

    def timed(*a: object, **kw: object) -> dict[int, list[int]]:
        started = time.perf_counter()
        solved = original(*a, **kw)
        flows.append(time.perf_counter() - started)
        return solved

    matching._max_flow = timed  # measure the fallback alone inside the real call
    totals = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = matching.plan_assignment(subs, judges, args.k, forbidden)
        totals.append(time.perf_counter() - started)
    matching._max_flow = original
    if result.method != "maxflow":
        print("the greedy pass filled every slot: no max-flow fallback was timed")
        return 1
    print(
        f"plan_assignment, {args.entries} entries x {args.judges} judges, k={args.k}, "
        f"{len(forbidden)} conflicts, greedy left {len(result.greedy_unfilled)} entries short, "
        f"shortfall after max-flow {result.shortfall}; {args.repeat} runs: max-flow fallback "
        f"median {statistics.median(flows):.2f} s (min {min(flows):.2f}, max {max(flows):.2f}), "
        f"whole call median {statistics.median(totals):.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

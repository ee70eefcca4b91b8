"""Time the sanitising Markdown renderer on the texts a challenge page shows (issue 11).

    python bench/render_timing.py [--pages 2000] [--distinct 1]

Renders the description, rules and eligibility of the bench's challenges (bench/seed_challenges.py)
and of the demo challenge, as one challenge page does, ``--pages`` times over ``--distinct``
different challenges, and prints the median time per page: uncached (``render_markdown``) and
through the pages' memo (``render_stored_markdown``). ``--distinct 1`` is one page
requested again and again, as the bench's "challenge" page is; a large ``--distinct`` shows the
cost when every request reads another challenge.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.seed_challenges import _challenge_row
from challenges import demo
from core.db import utcnow
from core.markdown import render_markdown, render_stored_markdown


def _texts(distinct: int) -> list[tuple[str, ...]]:
    """The three Markdown texts of ``distinct`` challenges: the demo one, then bench ones."""
    now, rng = utcnow(), random.Random(11)
    summary = demo.CHALLENGES[0][3]
    pages: list[tuple[str, ...]] = [
        (
            f"## Why this matters\n\n{summary}\n\n## What we want\n\nA solution that works "
            "outside the lab, with evidence: data, a prototype or a convincing analysis.",
            demo.RULES,
            demo.ELIGIBILITY,
        )
    ]
    for i in range(distinct - 1):
        row = _challenge_row(i, 1, now, rng)
        pages.append((row["description_md"], row["rules_md"], row["eligibility_md"]))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--distinct", type=int, default=1)
    args = parser.parse_args(argv)
    pages = _texts(args.distinct)
    chars = sum(len(text) for text in pages[0])
    print(f"{args.pages} pages over {len(pages)} distinct challenge(s), {chars} characters a page")
    for render in (render_markdown, render_stored_markdown):
        times = []
        for n in range(args.pages):
            texts = pages[n % len(pages)]
            start = time.perf_counter()
            for text in texts:
                render(text)
            times.append(time.perf_counter() - start)
        print(
            f"  {render.__name__:24} median {statistics.median(times) * 1e3:.4f} ms, "
            f"mean {statistics.fmean(times) * 1e3:.4f} ms per page"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

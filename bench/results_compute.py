"""Time "Compute results" on one challenge: N entries × 3 reviews × 5 criteria (issue 5).

    python bench/results_compute.py [--entries 10000] [--repeat 5] [--database-url URL]

Seeds a fresh database (SQLite file in a temporary folder by default) with the judged
challenge of bench/seed_judging.py, then runs the real ``compute_results`` service --repeat
times (each run supersedes the last snapshot, as a sponsor recomputing would) and prints the
median and spread of the wall time, split into reading the inputs and ranking them, beside
one plain SQL pass over the same reviews and criterion scores (the floor a computation could
reach), the ratio of the two, and the dashboard's stale check.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.servers import simulated_payments


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary folder")
    args = parser.parse_args(argv)

    from accounts.models import User
    from app import create_app
    from bench.seed import reset_schema
    from bench.seed_base import Sizes, seed_memberships, seed_orgs, seed_users
    from bench.seed_judging import JUDGED_SLUG, PANEL_SIZE, seed_judged_challenge
    from challenges.models import Challenge
    from core.db import db
    from judging.models import Assignment, Review, ReviewScore
    from judging.results.compute import compute_results, rank_inputs
    from judging.results.inputs import _counted_reviews, is_stale, load_inputs

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'results.sqlite3'}"
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", **simulated_payments(Path(tmp))}
        )
        sizes = Sizes(
            users=args.entries + PANEL_SIZE + 10,
            orgs=1,
            challenges=0,
            submissions=0,
            judged_entries=args.entries,
        )
        with app.app_context():
            reset_schema()
            session = db.session()
            started = time.perf_counter()
            for seeder in (seed_users, seed_orgs, seed_memberships):
                seeder(session, sizes)
            # Seeding publishes once; the timed runs below recompute on the same inputs.
            seed_judged_challenge(session, sizes)
            print(f"seeded in {time.perf_counter() - started:.1f} s on {db.engine.dialect.name}")
            challenge = db.session.scalar(db.select(Challenge).filter_by(slug=JUDGED_SLUG))
            owner = db.session.get(User, challenge.created_by_id)
            challenge.awarded_at = None  # reopen the decision so compute may run again
            db.session.commit()
            totals, reads, ranks = [], [], []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                inputs = load_inputs(challenge)
                t1 = time.perf_counter()
                rank_inputs(inputs)
                t2 = time.perf_counter()
                snapshot = compute_results(actor=owner, challenge=challenge)
                t3 = time.perf_counter()
                reads.append(t1 - t0)
                ranks.append(t2 - t1)
                totals.append(t3 - t2)
                rows = snapshot.entry_count
            reviews_only, with_scores, checks = [], [], []
            columns = (Review.id, Assignment.judge_id, Assignment.submission_id, Review.score_total)
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                db.session.execute(_counted_reviews(challenge.id, *columns)).all()
                t1 = time.perf_counter()
                db.session.execute(
                    _counted_reviews(
                        challenge.id, *columns, ReviewScore.criterion_id, ReviewScore.value
                    ).join(ReviewScore, ReviewScore.review_id == Review.id)
                ).all()
                t2 = time.perf_counter()
                is_stale(snapshot)
                t3 = time.perf_counter()
                reviews_only.append(t1 - t0)
                with_scores.append(t2 - t1)
                checks.append(t3 - t2)
            total = statistics.median(totals)
            print(
                f"compute_results, {rows} ranked entries x 3 reviews x 5 criteria, "
                f"{args.repeat} runs: median {total:.2f} s "
                f"(min {min(totals):.2f}, max {max(totals):.2f}); of which reading inputs "
                f"{statistics.median(reads):.2f} s, calibrating and ranking "
                f"{statistics.median(ranks):.2f} s"
            )
            for what, times in (
                ("one SQL pass over the counted reviews", reviews_only),
                ("the same pass joined to their criterion scores", with_scores),
            ):
                floor = statistics.median(times)
                print(f"{what}: median {floor:.3f} s; compute_results is {total / floor:.1f}x it")
            print(f"stale check (a dashboard view): median {statistics.median(checks):.4f} s")
            db.session.remove()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

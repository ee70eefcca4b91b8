"""Throughput of the job queue: e-mail jobs per second delivered by 1, 2, ... ``flask jobs
worker`` processes (RQ on Redis, the outbox in PostgreSQL) to a local SMTP sink.

Each run writes ``--jobs`` mail jobs in one transaction (``send_mail`` in a loop, one commit:
the outbox hands them to Redis in one pipeline) and times from that commit until every row
is done. See bench/README.md, *Queue and approval*.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench.job_workers import JobWorker, add_service_options, jobs_env  # noqa: E402
from bench.run import ensure_database  # noqa: E402
from bench.seed import reset_schema  # noqa: E402
from bench.smtp_sink import SmtpSink  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_service_options(parser, "openprize_bench_queue")
    parser.add_argument("--jobs", type=int, default=2000, help="mail jobs per run")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure")
    parser.add_argument("--repeat", type=int, default=3, help="runs per worker count")
    return parser.parse_args(argv)


def one_run(app: Any, jobs: int, sink: SmtpSink) -> dict[str, float]:
    """Write ``jobs`` e-mails in one transaction; seconds to commit, and until all are done."""
    from core.db import db
    from core.jobs.models import Job, JobState
    from core.mail import send_mail

    sink.clear()
    with app.app_context():
        db.session.execute(sa.delete(Job))
        db.session.commit()
        for n in range(jobs):
            send_mail(f"winner{n}@example.org", "Bench", f"Message {n}.\n")
        started = time.perf_counter()
        db.session.commit()  # the rows, then the hand-over to Redis
        committed = time.perf_counter() - started
        done = sa.select(sa.func.count()).select_from(Job).where(Job.state == JobState.DONE)
        while db.session.scalar(done) < jobs:
            db.session.rollback()
            time.sleep(0.02)
        seconds = time.perf_counter() - started
    assert len(sink.received) == jobs, f"{len(sink.received)} of {jobs} messages arrived"
    return {"commit_s": committed, "seconds": seconds, "jobs_per_s": jobs / seconds}


def measure(args: argparse.Namespace, workdir: Path) -> dict[int, list[dict[str, float]]]:
    from app import create_app

    results: dict[int, list[dict[str, float]]] = {}
    with SmtpSink() as sink:
        smtp = {"MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port)}
        env = jobs_env(args.database_url, workdir, args.redis_url, **smtp)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": args.database_url,
                "SECRET_KEY": "bench-queue",
                **{k: env[k] for k in ("REDIS_URL", "JOBS_BACKEND", "JOBS_QUEUE")},
                "PAYMENTS_SIMULATED": True,
                "STRIPE_SECRET_KEY": "",
            }
        )
        with app.app_context():
            reset_schema()
        for count in [int(n) for n in args.workers.split(",")]:
            redis.Redis.from_url(args.redis_url).flushdb()
            workers = [
                JobWorker(name=f"worker-{n}", env=env, cwd=ROOT, log_path=workdir / f"w{n}.log")
                for n in range(count)
            ]
            try:
                for worker in workers:
                    worker.launch()
                for worker in workers:
                    worker.wait_listening()
                results[count] = [one_run(app, args.jobs, sink) for _ in range(args.repeat)]
            finally:
                for worker in workers:
                    worker.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ensure_database(args.database_url)
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as tmp:
        results = measure(args, Path(tmp))
    print(f"{args.jobs} e-mail jobs per run, {args.repeat} runs, SMTP sink on 127.0.0.1")
    print(f"{'workers':>7} {'jobs/s (median)':>16} {'runs':>24} {'commit s':>9}")
    for count, runs in results.items():
        rates = [run["jobs_per_s"] for run in runs]
        commit = statistics.median(run["commit_s"] for run in runs)
        shown = ", ".join(f"{rate:.0f}" for rate in rates)
        print(f"{count:>7} {statistics.median(rates):>16.0f} {shown:>24} {commit:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

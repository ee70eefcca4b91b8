"""Benchmark OpenPrize pages under gunicorn with wrk, as ratios to a hello app in the same run."""

from __future__ import annotations

import argparse
import os
import platform
import signal
import sys
import tempfile
import time
from dataclasses import asdict, fields
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench.goals import ScaleRun, format_goal_table, judge_pages  # noqa: E402
from bench.load import WrkSettings, wrk_path  # noqa: E402
from bench.pages import Page, select_pages  # noqa: E402
from bench.report import (  # noqa: E402
    format_header,
    format_seeding,
    format_table,
    results_document,
    write_json,
)
from bench.scale import Load, run_scale  # noqa: E402
from bench.seed import Sizes, reset_schema, row_counts, seed_all  # noqa: E402
from bench.servers import simulated_payments  # noqa: E402

MAX_REPEAT = 20
MAX_DURATION = 600
MAX_SCALE = 100
DEFAULT_SCALES = "1,2"


def _scales(text: str) -> list[float]:
    """ "1,2" -> [1.0, 2.0]: sorted, without repeats; ValueError when not numbers."""
    return sorted({float(part) for part in text.split(",") if part.strip()})


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    for size in fields(Sizes):
        parser.add_argument(
            f"--{size.name.replace('_', '-')}",
            dest=size.name,
            type=int,
            default=None,
            help=f"{size.metadata.get('help', size.name)} (default: {size.default:,} x scale; "
            "given, it holds at every scale)",
        )
    parser.add_argument(
        "--scales",
        help="comma-separated multiples of the default sizes, each seeded and measured in turn "
        f"(default {DEFAULT_SCALES}: the ratio at 2x against 1x shows what data growth costs; "
        "10 seeds 100k challenges and 2M entries)",
    )
    parser.add_argument("--scale", type=float, help="one scale: the same as --scales <scale>")
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="seed each scale, print the seconds per seeder and in all, and exit (no servers)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up before each run")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs per page (median)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers")
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    args = parser.parse_args(argv)
    if args.scale is not None and args.scales is not None:
        parser.error("give --scale or --scales, not both")
    try:
        args.scales = (
            [args.scale] if args.scale is not None else _scales(args.scales or DEFAULT_SCALES)
        )
    except ValueError:
        parser.error("--scales must be numbers separated by commas, e.g. 1,2")
    if not args.scales or not all(0 < scale <= MAX_SCALE for scale in args.scales):
        parser.error(f"--scale(s) must be more than 0 and at most {MAX_SCALE}")
    if any((getattr(args, s.name) or 0) < 0 for s in fields(Sizes)):
        parser.error("sizes must be zero or more")
    args.sizes = [
        Sizes(
            **{
                s.name: getattr(args, s.name)
                if getattr(args, s.name) is not None
                else round(s.default * scale)
                for s in fields(Sizes)
            }
        )
        for scale in args.scales
    ]
    if not 1 <= args.duration <= MAX_DURATION or not 0 <= args.warmup <= MAX_DURATION:
        parser.error(f"--duration must be 1..{MAX_DURATION} and --warmup 0..{MAX_DURATION}")
    if not 1 <= args.repeat <= MAX_REPEAT:
        parser.error(f"--repeat must be 1..{MAX_REPEAT}")
    if args.threads < 1 or args.workers < 1 or args.connections < args.threads:
        parser.error("need threads >= 1, workers >= 1 and connections >= threads")
    try:
        args.selected = select_pages([n.strip() for n in (args.pages or "").split(",") if n])
    except ValueError as error:
        parser.error(str(error))
    return args


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named in ``url`` when it does not exist yet."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            )
            if not exists:
                quoted = admin.dialect.identifier_preparer.quote(parsed.database)
                connection.execute(sa.text(f"CREATE DATABASE {quoted}"))
    finally:
        admin.dispose()


def seed_database(
    url: str, sizes: Sizes, pages: list[Page], workdir: Path, *, resolve: bool = True
) -> dict[str, Any]:
    """Rebuild the schema with the migrations, seed it, and resolve each page's path and the
    e-mail it signs in with against it."""
    from app import create_app
    from core.db import db

    overrides: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench-seeding",
        **simulated_payments(workdir),
    }
    if sa.engine.make_url(url).get_backend_name() == "postgresql":
        # A leftover connection holding a lock must fail the run, not hang it.
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"options": "-c lock_timeout=10000"}
        }
    app = create_app(overrides)
    started = time.perf_counter()
    with app.app_context():
        reset_schema()
        session = db.session()
        timings = seed_all(session, sizes)
        seconds = time.perf_counter() - started
        resolved = {
            page.name: (page.resolve(session), page.account(session))
            for page in (pages if resolve else [])
        }
        rows = row_counts(session)
        db.session.remove()
        db.engine.dispose()
    return {"resolved": resolved, "rows": rows, "seeders": timings, "seconds": seconds}


def _raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _meta(args: argparse.Namespace, url: str, wrk: WrkSettings) -> dict[str, Any]:
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "loadavg": " ".join(f"{n:.2f}" for n in os.getloadavg()),
        },
        "gunicorn": {"workers": args.workers, "worker_class": "sync"},
        "wrk": {**asdict(wrk), "warmup": args.warmup, "repeat": args.repeat},
        "database": {
            "dialect": sa.engine.make_url(url).get_backend_name(),
            "url": sa.engine.make_url(url).render_as_string(hide_password=True),
        },
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    if not args.seed_only:
        wrk_path()
    wrk = WrkSettings(threads=args.threads, connections=args.connections, duration=args.duration)
    load = Load(wrk=wrk, warmup=args.warmup, repeat=args.repeat, workers=args.workers)
    runs: list[ScaleRun] = []
    scales: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="openprize-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        ensure_database(url)
        meta = _meta(args, url, wrk)
        for scale, sizes in zip(args.scales, args.sizes, strict=True):
            dialect = sa.engine.make_url(url).get_backend_name()
            print(f"Seeding {dialect} at {scale:g}x ...", flush=True)
            seeded = seed_database(url, sizes, args.selected, Path(tmp), resolve=not args.seed_only)
            info = {
                "scale": scale,
                "sizes": asdict(sizes),
                "rows": seeded["rows"],
                "seed_seconds": round(seeded["seconds"], 3),
                "seeders": seeded["seeders"],
            }
            scales.append(info)
            print(format_seeding(info), flush=True)
            if args.seed_only:
                continue
            print(format_header(meta, info), flush=True)
            run = run_scale(scale, url, args.selected, seeded["resolved"], load, Path(tmp))
            runs.append(run)
            print(f"\nAt {scale:g}x:\n{format_table(run)}\n", flush=True)
    if args.seed_only:
        return 0
    verdicts = judge_pages(args.selected, runs)
    print(format_goal_table(verdicts, runs))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = write_json(results_document(meta, scales, runs, verdicts), stamp)
    print(f"\nResults written to {path.relative_to(ROOT)}")
    return 1 if any(m.errors for run in runs for m in run.measurements) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nInterrupted; gunicorn servers stopped.", file=sys.stderr)
        sys.exit(130)

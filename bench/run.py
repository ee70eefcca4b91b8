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

from bench.load import Measurement, WrkSettings, run_wrk, wrk_path  # noqa: E402
from bench.pages import HELLO, Page, select_pages  # noqa: E402
from bench.report import format_header, format_table, results_document, write_json  # noqa: E402
from bench.seed import Sizes, reset_schema, row_counts, seed_all  # noqa: E402
from bench.servers import GunicornServer, get_status, server_env, simulated_payments  # noqa: E402

MAX_REPEAT = 20
MAX_DURATION = 600
MAX_SCALE = 100


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    for size in fields(Sizes):
        parser.add_argument(
            f"--{size.name.replace('_', '-')}",
            dest=size.name,
            type=int,
            default=None,
            help=f"{size.metadata.get('help', size.name)} (default: {size.default:,} x --scale)",
        )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply every default size (2 doubles the data, 10 seeds 100k challenges and "
        "2M entries); an explicit size option wins",
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
    if not 0 < args.scale <= MAX_SCALE:
        parser.error(f"--scale must be more than 0 and at most {MAX_SCALE}")
    for size in fields(Sizes):
        if getattr(args, size.name) is None:
            setattr(args, size.name, round(size.default * args.scale))
    if any(getattr(args, size.name) < 0 for size in fields(Sizes)):
        parser.error("sizes must be zero or more")
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


def seed_database(url: str, sizes: Sizes, pages: list[Page], workdir: Path) -> dict[str, Any]:
    """Rebuild the schema with the migrations, seed it, and resolve the page paths against it."""
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
        paths = {page.name: page.resolve(session) for page in pages}
        rows = row_counts(session)
        db.session.remove()
        db.engine.dispose()
    return {
        "paths": paths,
        "rows": rows,
        "seeders": timings,
        "seconds": time.perf_counter() - started,
    }


def check_targets(targets: list[tuple[GunicornServer, Measurement]]) -> None:
    """One GET per target before loading it: a page that errors would make a meaningless row."""
    for server, measurement in targets:
        status = get_status(server.port, measurement.path)
        if not 200 <= status < 400:
            raise RuntimeError(
                f"{measurement.name}: GET {measurement.path} answered {status}\n{server.log_tail()}"
            )


def measure(
    targets: list[tuple[GunicornServer, Measurement]], wrk: WrkSettings, warmup: int, repeat: int
) -> None:
    """Interleave the targets in each round, so drift in machine load hits all of them alike."""
    for round_number in range(1, repeat + 1):
        for server, measurement in targets:
            url = server.base_url + measurement.path
            if warmup:
                run_wrk(url, wrk, duration=warmup)
            sample = run_wrk(url, wrk)
            measurement.samples.append(sample)
            print(
                f"  round {round_number}/{repeat}  {measurement.name:<18} "
                f"{sample.requests_per_second:>9.0f} req/s  p50 {sample.p50_ms:.2f} ms  "
                f"p99 {sample.p99_ms:.2f} ms",
                flush=True,
            )


def _raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _raise_on_sigterm)
    wrk_path()
    sizes = Sizes(**{size.name: getattr(args, size.name) for size in fields(Sizes)})
    wrk = WrkSettings(threads=args.threads, connections=args.connections, duration=args.duration)
    servers: list[GunicornServer] = []
    with tempfile.TemporaryDirectory(prefix="openprize-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        ensure_database(url)
        print(f"Seeding {sa.engine.make_url(url).get_backend_name()} ...", flush=True)
        seeded = seed_database(url, sizes, args.selected, Path(tmp))
        meta: dict[str, Any] = {
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
                "rows": seeded["rows"],
                "seed_seconds": round(seeded["seconds"], 3),
                "seeders": seeded["seeders"],
            },
            "sizes": asdict(sizes),
        }
        print(format_header(meta), flush=True)
        env = server_env(url, Path(tmp))
        app_server = GunicornServer(
            name="openprize",
            app_spec="app:create_app()",
            workers=args.workers,
            env=env,
            cwd=ROOT,
            log_path=Path(tmp) / "app.log",
            ready_path="/healthz",
        )
        hello_server = GunicornServer(
            name=HELLO,
            app_spec="bench.hello_app:create_app()",
            workers=args.workers,
            env=env,
            cwd=ROOT,
            log_path=Path(tmp) / "hello.log",
        )
        try:
            for server in (hello_server, app_server):
                servers.append(server)
                server.start()
            targets = [(hello_server, Measurement(HELLO, "/"))] + [
                (app_server, Measurement(page.name, seeded["paths"][page.name]))
                for page in args.selected
            ]
            check_targets(targets)
            measure(targets, wrk, args.warmup, args.repeat)
        finally:
            for server in servers:
                server.stop()
    measurements = [measurement for _, measurement in targets]
    print()
    print(format_table(measurements))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    path = write_json(results_document(meta, measurements), stamp)
    print(f"\nResults written to {path.relative_to(ROOT)}")
    return 1 if any(m.errors for m in measurements) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nInterrupted; gunicorn servers stopped.", file=sys.stderr)
        sys.exit(130)

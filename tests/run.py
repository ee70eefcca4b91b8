"""Run the whole suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set.

Each pass spreads the test files over one pytest-xdist worker per CPU (each worker with its own
database). Tests marked ``database_independent`` (pure functions, the Stripe simulator, the
browser journeys; see tests/conftest.py) run in the SQLite pass only. Arguments are passed to
pytest, e.g. ``tests/run.py tests/unit -x`` or ``tests/run.py -n 0`` for a single process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time


def _pytest(label: str, env: dict[str, str], extra: list[str]) -> int:
    print(f"\n=== pytest on {label} ===", flush=True)
    parallel = [] if any(arg.startswith("-n") for arg in extra) else ["-n", "auto"]
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", *parallel, "--dist", "loadfile", *extra]
    status = subprocess.call(command, env=env)  # noqa: S603
    print(f"=== {label}: {time.monotonic() - started:.0f} s ===", flush=True)
    return status


def main() -> int:
    extra = sys.argv[1:]
    if shutil.which("chromium") is None:
        print(
            "NOTE: Chromium is not installed, so the browser tests in tests/browser/ are SKIPPED. "
            "Install it with: apt-get install -y chromium",
            flush=True,
        )
    sqlite_env = {k: v for k, v in os.environ.items() if k != "TEST_DATABASE_URL"}
    status = _pytest("SQLite", sqlite_env, extra)
    pg_url = os.environ.get("TEST_DATABASE_URL")
    if pg_url:
        pg_only = ["-m", "not database_independent"]
        status = _pytest(f"PostgreSQL ({pg_url})", dict(os.environ), [*pg_only, *extra]) or status
    else:
        print("\nTEST_DATABASE_URL is not set: the PostgreSQL pass was skipped.", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())

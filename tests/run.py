"""Run the whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def _pytest(label: str, env: dict[str, str], extra: list[str]) -> int:
    print(f"\n=== pytest on {label} ===", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", *extra], env=env)  # noqa: S603


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
        status = _pytest(f"PostgreSQL ({pg_url})", dict(os.environ), extra) or status
    else:
        print("\nTEST_DATABASE_URL is not set: the PostgreSQL pass was skipped.", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())

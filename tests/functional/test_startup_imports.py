"""A web worker starts without the libraries only some commands need: Alembic and
Flask-Migrate (about 11 MB a process; ``flask db`` still works) and the Stripe SDK (about 7 MB;
imported at the first payment call)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TESTS_DIR

LOADED = (
    "import sys; from app import create_app; create_app(); "
    "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'flask_migrate', 'stripe'}))"
)


@pytest.fixture
def site_env(tmp_path: Path) -> dict[str, str]:
    """A development site on a fresh SQLite file, as ``make run`` starts one."""
    return {
        **os.environ,
        "FLASK_APP": "app",
        "FLASK_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "STORAGE_DIR": str(tmp_path / "uploads"),
    }


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and flask)
        args, cwd=TESTS_DIR.parent, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout + done.stderr


def test_a_web_worker_loads_neither_alembic_nor_stripe(site_env: dict[str, str]) -> None:
    assert run(site_env, sys.executable, "-c", LOADED).strip() == "[]"


def test_flask_db_commands_still_run(site_env: dict[str, str]) -> None:
    flask = str(Path(sys.executable).with_name("flask"))
    assert "upgrade" in run(site_env, flask, "db", "--help")
    run(site_env, flask, "db", "upgrade")
    assert "(head)" in run(site_env, flask, "db", "current")

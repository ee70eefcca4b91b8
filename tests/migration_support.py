"""A fresh, empty database to run migrations on: a file on SQLite, a new database on PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from tests.database import postgres_database


@contextmanager
def fresh_database(base_url: str, tmp_path: Path) -> Iterator[str]:
    if sa.make_url(base_url).get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
        return
    with postgres_database(base_url, f"openprize_mig_{uuid.uuid4().hex[:10]}") as fresh:
        yield fresh

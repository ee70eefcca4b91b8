"""The test database between tests: emptied after each one, or restored from a snapshot.

``empty_tables`` runs after every test (tests/conftest.py). ``ModuleWorld`` lets a module build
its world once (a permission matrix asks hundreds of requests of the same world) and have each
test start from a copy of its rows, inserted in one statement per table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import Flask

from core.db import db
from payments.gateway import init_gateway

T = TypeVar("T")


@contextmanager
def postgres_database(base_url: str, name: str) -> Iterator[str]:
    """A new, empty PostgreSQL database ``name`` beside ``base_url``'s; dropped afterwards."""
    url = sa.make_url(base_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_tables() -> None:
    """Delete every row and restart the id sequences a test advanced.

    On PostgreSQL one ``DO`` block deletes table by table (children first) and restarts only
    the sequences that were used: far cheaper than ``TRUNCATE`` of every table per test.
    """
    db.session.remove()
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text(_pg_empty_block(tables)))
        else:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


def _pg_empty_block(tables: list[str]) -> str:
    names = ", ".join(f"'{name}'" for name in tables)  # the models' own table names
    return f"""
    DO $$
    DECLARE
        name text;
        seq record;
    BEGIN
        FOREACH name IN ARRAY ARRAY[{names}]::text[] LOOP
            EXECUTE format('DELETE FROM %I', name);
        END LOOP;
        FOR seq IN
            SELECT schemaname, sequencename FROM pg_sequences WHERE last_value IS NOT NULL
        LOOP
            EXECUTE format('ALTER SEQUENCE %I.%I RESTART', seq.schemaname, seq.sequencename);
        END LOOP;
    END $$;
    """  # noqa: S608


def _rows() -> dict[str, list[dict[str, Any]]]:
    rows: dict[str, list[dict[str, Any]]] = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            found = connection.execute(table.select().order_by(*table.primary_key.columns))
            mappings = [dict(row) for row in found.mappings()]
            if mappings:
                rows[table.name] = mappings
    return rows


@dataclass(frozen=True)
class ModuleWorld(Generic[T]):
    """A world built once: what its builder returned, and the rows it left in the database."""

    value: T
    rows: dict[str, list[dict[str, Any]]]

    @classmethod
    def build(cls, app: Flask, builder: Callable[[], T]) -> ModuleWorld[T]:
        """Run ``builder`` on an empty database, keep its rows, and leave the database empty.

        What the builder returns must not be ORM objects (they would outlive their session):
        return ids, slugs and other plain values.
        """
        with app.app_context():
            init_gateway(app)
            try:
                value = builder()
                db.session.commit()
                rows = _rows()
            finally:
                empty_tables()
        return cls(value, rows)

    def restore(self) -> T:
        """Insert the world's rows (parents first) and move id sequences past them."""
        db.session.remove()
        with db.engine.begin() as connection:
            for table in db.metadata.sorted_tables:
                if table.name in self.rows:
                    connection.execute(table.insert(), self.rows[table.name])
            if connection.dialect.name == "postgresql":
                for name in self.rows:
                    table = db.metadata.tables[name]
                    if "id" in table.c:
                        sequence = sa.func.pg_get_serial_sequence(f'"{name}"', "id")
                        top = sa.select(sa.func.max(table.c.id)).scalar_subquery()
                        connection.execute(sa.select(sa.func.setval(sequence, top)))
        return self.value

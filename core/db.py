"""Database base class, naming convention, UTC datetimes and SQLite pragmas."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


# Run after each top-level commit, outside the session's events (they may use the session):
# the job outbox hands the transaction's jobs to the queue here.
AFTER_COMMIT_HOOKS: list[Callable[[sa.orm.Session], None]] = []


class Session(FlaskSession):
    def commit(self) -> None:
        super().commit()
        for hook in AFTER_COMMIT_HOOKS:
            hook(self)


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})


_frozen_at: list[datetime] = []


def utcnow() -> datetime:
    """Aware UTC now: the one clock services use. Tests move it with ``frozen_time``."""
    return _frozen_at[-1] if _frozen_at else datetime.now(UTC)


@contextmanager
def frozen_time(at: datetime) -> Iterator[None]:
    """Make ``utcnow()`` return ``at`` inside the block (for deadline tests)."""
    _frozen_at.append(at)
    try:
        yield
    finally:
        _frozen_at.pop()


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC; always returns aware UTC datetimes."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def enum_values(enum_cls: type[enum.StrEnum]) -> str:
    """SQL list of an enum's values, for CHECK constraints."""
    return ", ".join(f"'{member.value}'" for member in enum_cls)


def enum_check(column: str, enum_cls: type[enum.StrEnum], name: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} IN ({enum_values(enum_cls)})", name=name)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


# Structures that autogenerate cannot compare, made by hand in migrations: search (SQLite FTS5,
# PostgreSQL tsvector column + index) and indexes on expressions (which PostgreSQL rewrites and
# SQLite cannot reflect). Autogenerate and the schema test must neither drop them nor add them.
HAND_MADE_PREFIXES = (
    "challenges_fts",
    "ix_challenges_search",
    "search_vector",
    "ix_assignments_judge_queue",
)


def include_in_autogenerate(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (name or "").startswith(HAND_MADE_PREFIXES)


def drop_schema() -> None:
    """Drop every table, the hand-made search structures and Alembic's version row (for tests
    and benchmarks, which then run the migrations). Needs the app context."""
    db.session.remove()
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(connection)
            for name in ("challenges_fts", "alembic_version"):
                connection.execute(sa.text(f"DROP TABLE IF EXISTS {name}"))

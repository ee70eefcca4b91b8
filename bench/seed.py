"""Fast bulk seeding of a benchmark database: SEEDERS in order; sizes in seed_base.Sizes."""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from bench.seed_base import Seeder, Sizes, seed_memberships, seed_orgs, seed_users
from bench.seed_challenges import SEARCH_WORD, seed_challenges  # noqa: F401
from bench.seed_entries import seed_submissions
from bench.seed_judging import seed_judged_challenge
from core import schema_migrations
from core.db import db, drop_schema

SEEDERS: list[Seeder] = [
    seed_users,
    seed_orgs,
    seed_memberships,
    seed_challenges,
    seed_submissions,
    seed_judged_challenge,
]


def reset_schema() -> None:
    """Drop everything, then build the schema with the Alembic migrations, as users get it.

    ``db.create_all()`` would miss what only the migrations make: SQLite's FTS5 table
    ``challenges_fts`` and its triggers (search would fail) and PostgreSQL's GIN search index
    (search would scan). Needs the app context.
    """
    drop_schema()
    schema_migrations.upgrade()


def seed_all(session: Session, sizes: Sizes) -> dict[str, float]:
    """Run every seeder, commit once, and return the seconds each one took."""
    timings: dict[str, float] = {}
    for seeder in SEEDERS:
        started = time.perf_counter()
        seeder(session, sizes)
        timings[seeder.__name__] = round(time.perf_counter() - started, 3)
    session.commit()
    if session.get_bind().dialect.name == "postgresql":
        # Autovacuum would vacuum and analyze the new rows within minutes; do it now so plans
        # (and index-only scans, which need the visibility map) do not change halfway through
        # the measurements. VACUUM cannot run in a transaction: autocommit connection.
        connection = (
            session.connection().engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        )
        with connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    return timings


def row_counts(session: Session) -> dict[str, int]:
    """Rows per non-empty table, for the report header."""
    counts = {
        table.name: session.scalar(sa.select(sa.func.count()).select_from(table)) or 0
        for table in db.metadata.sorted_tables
    }
    return {name: count for name, count in counts.items() if count}

"""Schema migrations (Flask-Migrate over Alembic), loaded only where something migrates.

Web workers never migrate, and Alembic with Flask-Migrate weighs about 11 MB in every process
that imports them. So ``create_app`` registers a ``flask db`` group that binds Flask-Migrate
when one of its commands runs, and code that migrates in-process (the tests, the bench) calls
:func:`upgrade` and :func:`downgrade` here, which bind it first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import ScriptInfo

from core.db import db

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def bind(app: Flask) -> None:
    """Give ``app`` its Flask-Migrate configuration (once); ``migrations/env.py`` reads it."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    Migrate(render_as_batch=True, compare_type=True).init_app(
        app, db, directory=str(MIGRATIONS_DIR)
    )


def upgrade(revision: str = "head") -> None:
    """Migrate the current app's database up to ``revision``."""
    bind(current_app)
    import flask_migrate

    flask_migrate.upgrade(revision=revision)


def downgrade(revision: str) -> None:
    """Migrate the current app's database down to ``revision``."""
    bind(current_app)
    import flask_migrate

    flask_migrate.downgrade(revision=revision)


class _MigrationCommands(click.Group):
    """``flask db``: stands in for Flask-Migrate's command group, which it imports and hands
    the command line to when ``flask db ...`` runs."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        script_info = parent.ensure_object(ScriptInfo) if parent else ScriptInfo()
        bind(script_info.load_app())
        from flask_migrate.cli import db as commands

        context: click.Context = commands.make_context(info_name, args, parent=parent, **extra)
        return context


def register_migration_commands(app: Flask) -> None:
    app.cli.add_command(
        _MigrationCommands("db", help="Perform database migrations (Flask-Migrate).")
    )

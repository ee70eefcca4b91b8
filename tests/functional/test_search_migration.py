"""The search migration rebuilds the search structures for rows that existed before it."""

from __future__ import annotations

from pathlib import Path

import flask_migrate

from app import create_app
from challenges.search import BrowseFilters, browse
from core.db import db
from tests.factories import make_challenge, make_org
from tests.migration_support import fresh_database

BEFORE_SPONSOR_SEARCH = "c8fc999f60f6"


def test_challenges_saved_before_the_migration_are_found_by_sponsor_name(
    database_url: str, tmp_path: Path
) -> None:
    with fresh_database(database_url, tmp_path) as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            flask_migrate.upgrade(revision=BEFORE_SPONSOR_SEARCH)
            # No user: the users table of this revision lacks later columns the model has.
            org = make_org("Helios Energy Foundation")
            make_challenge(org, title="Thermal Batteries", slug="thermal")
            db.session.remove()  # PostgreSQL: an open transaction would block the migration
            flask_migrate.upgrade()

            def found(query: str) -> list[str]:
                page = browse(BrowseFilters(q=query, sort="relevance"), page=1, per_page=10)
                return [challenge.slug for challenge in page.items]

            assert found("Helios") == ["thermal"]
            assert found("thermal batteries") == ["thermal"]  # the old columns still count
            db.session.remove()
            flask_migrate.downgrade(revision=BEFORE_SPONSOR_SEARCH)
            assert found("thermal") == ["thermal"] and found("Helios") == []
            db.session.remove()
            db.engine.dispose()

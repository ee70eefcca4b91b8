"""The search migration rebuilds the search structures for rows that existed before it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from app import create_app
from challenges.search import BrowseFilters, browse
from core import schema_migrations
from core.db import db, utcnow
from tests.migration_support import fresh_database

BEFORE_SPONSOR_SEARCH = "c8fc999f60f6"
# Rows as the schema of that revision holds them, written in SQL: the models describe the
# newest schema, so building these rows with them breaks whenever a later migration adds a
# column to users, organizations or challenges.
ORG = (
    "INSERT INTO organizations (id, slug, name, website, description, verified, created_at)"
    " VALUES (1, 'helios', 'Helios Energy Foundation', '', '', false, :now)"
)
CHALLENGE = (
    "INSERT INTO challenges (id, org_id, slug, title, summary, category, tags, description_md,"
    " rules_md, eligibility_md, currency, timezone, opens_at, closes_at, judging_ends_at,"
    " max_team_size, community_voting, solution_visibility, submission_license, ip_on_award,"
    " judging_transparency, purse_amount, funded_amount, entrant_count, rules_version,"
    " review_state, review_comment, cancel_reason, created_at, updated_at, approved_at,"
    " funded_at, published_at) VALUES (1, 1, 'thermal', 'Thermal Batteries', 'Store heat.',"
    " 'Energy & climate', 'storage', 'Sand or salt.', 'Submit a PDF.', 'Everyone.', 'USD',"
    " 'UTC', :now, :closes, :judged, 3, false, 'public_after_close', 'CC-BY-4.0',"
    " 'solver_retains', 'scores_to_solver', 100000, 100000, 0, 1, 'approved', '', '', :now,"
    " :now, :now, :now, :now)"
)


def test_challenges_saved_before_the_migration_are_found_by_sponsor_name(
    database_url: str, tmp_path: Path
) -> None:
    with fresh_database(database_url, tmp_path) as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            schema_migrations.upgrade(revision=BEFORE_SPONSOR_SEARCH)
            now = utcnow().replace(tzinfo=None)
            times = {"now": now, "closes": now + timedelta(days=30), "judged": now + timedelta(60)}
            with db.engine.begin() as connection:
                connection.execute(sa.text(ORG), times)
                connection.execute(sa.text(CHALLENGE), times)
            db.session.remove()  # PostgreSQL: an open transaction would block the migration
            schema_migrations.upgrade()

            def found(query: str) -> list[str]:
                page = browse(BrowseFilters(q=query, sort="relevance"), page=1, per_page=10)
                return [challenge.slug for challenge in page.items]

            assert found("Helios") == ["thermal"]
            assert found("thermal batteries") == ["thermal"]  # the old columns still count
            db.session.remove()
            schema_migrations.downgrade(revision=BEFORE_SPONSOR_SEARCH)
            assert found("thermal") == ["thermal"] and found("Helios") == []
            db.session.remove()
            db.engine.dispose()

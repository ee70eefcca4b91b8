"""search: index the sponsor's name with each challenge

The search structures of e663d200914a covered only the challenge's own columns, so a search for
the sponsoring organization found nothing. They are rebuilt to include the organization's name,
for existing rows too, and kept current when an organization is renamed:

- SQLite: ``challenges_fts`` becomes a regular FTS5 table (an external-content table can only
  index the challenges table's own columns), filled by triggers on ``challenges`` and on
  ``organizations``.
- PostgreSQL: ``search_vector`` becomes a plain tsvector column filled by a trigger (a generated
  column cannot read another table), with the same GIN index.

NOTE for later migrations: a batch (copy-and-move) alteration of ``challenges`` or
``organizations`` on SQLite drops these triggers; such a migration must run SQLITE_SEARCH again.

Revision ID: d72cacec9d0f
Revises: c8fc999f60f6
Create Date: 2026-12-04 05:30:00

"""
from alembic import op


revision = 'd72cacec9d0f'
down_revision = 'c8fc999f60f6'
branch_labels = None
depends_on = None

SQLITE_COLUMNS = "title, summary, description_md, tags, sponsor"
_SPONSOR_OF_NEW = "(SELECT name FROM organizations WHERE id = new.org_id)"
SQLITE_DROP_OLD = [
    "DROP TRIGGER IF EXISTS challenges_fts_ai",
    "DROP TRIGGER IF EXISTS challenges_fts_ad",
    "DROP TRIGGER IF EXISTS challenges_fts_au",
    "DROP TABLE IF EXISTS challenges_fts",
]
SQLITE_SEARCH = [
    f"""CREATE VIRTUAL TABLE challenges_fts USING fts5(
        {SQLITE_COLUMNS}, tokenize='porter unicode61')""",
    f"""CREATE TRIGGER challenges_fts_ai AFTER INSERT ON challenges BEGIN
        INSERT INTO challenges_fts(rowid, {SQLITE_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.description_md, new.tags, {_SPONSOR_OF_NEW});
    END""",
    """CREATE TRIGGER challenges_fts_ad AFTER DELETE ON challenges BEGIN
        DELETE FROM challenges_fts WHERE rowid = old.id;
    END""",
    f"""CREATE TRIGGER challenges_fts_au
        AFTER UPDATE OF title, summary, description_md, tags, org_id ON challenges BEGIN
        DELETE FROM challenges_fts WHERE rowid = old.id;
        INSERT INTO challenges_fts(rowid, {SQLITE_COLUMNS})
        VALUES (new.id, new.title, new.summary, new.description_md, new.tags, {_SPONSOR_OF_NEW});
    END""",
    f"""CREATE TRIGGER challenges_fts_org_au AFTER UPDATE OF name ON organizations BEGIN
        DELETE FROM challenges_fts WHERE rowid IN (SELECT id FROM challenges WHERE org_id = new.id);
        INSERT INTO challenges_fts(rowid, {SQLITE_COLUMNS})
        SELECT id, title, summary, description_md, tags, new.name
        FROM challenges WHERE org_id = new.id;
    END""",
    f"""INSERT INTO challenges_fts(rowid, {SQLITE_COLUMNS})
        SELECT c.id, c.title, c.summary, c.description_md, c.tags, o.name
        FROM challenges c JOIN organizations o ON o.id = c.org_id""",
]
SQLITE_DROP_NEW = ["DROP TRIGGER IF EXISTS challenges_fts_org_au", *SQLITE_DROP_OLD]
# The structures of e663d200914a, for the downgrade.
SQLITE_OLD = [
    """CREATE VIRTUAL TABLE challenges_fts USING fts5(
        title, summary, description_md, tags,
        content='challenges', content_rowid='id', tokenize='porter unicode61')""",
    """CREATE TRIGGER challenges_fts_ai AFTER INSERT ON challenges BEGIN
        INSERT INTO challenges_fts(rowid, title, summary, description_md, tags)
        VALUES (new.id, new.title, new.summary, new.description_md, new.tags);
    END""",
    """CREATE TRIGGER challenges_fts_ad AFTER DELETE ON challenges BEGIN
        INSERT INTO challenges_fts(challenges_fts, rowid, title, summary, description_md, tags)
        VALUES ('delete', old.id, old.title, old.summary, old.description_md, old.tags);
    END""",
    """CREATE TRIGGER challenges_fts_au AFTER UPDATE OF title, summary, description_md, tags
        ON challenges BEGIN
        INSERT INTO challenges_fts(challenges_fts, rowid, title, summary, description_md, tags)
        VALUES ('delete', old.id, old.title, old.summary, old.description_md, old.tags);
        INSERT INTO challenges_fts(rowid, title, summary, description_md, tags)
        VALUES (new.id, new.title, new.summary, new.description_md, new.tags);
    END""",
    "INSERT INTO challenges_fts(challenges_fts) VALUES ('rebuild')",
]

POSTGRES_SEARCH = [
    "DROP INDEX IF EXISTS ix_challenges_search",
    "ALTER TABLE challenges DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE challenges ADD COLUMN search_vector tsvector",
    """CREATE FUNCTION challenges_search_document(
            title text, summary text, description_md text, tags text, org_id integer)
        RETURNS tsvector LANGUAGE sql STABLE AS $$
        SELECT to_tsvector('english', coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' ||
            coalesce(description_md, '') || ' ' || coalesce(tags, '') || ' ' ||
            coalesce((SELECT name FROM organizations WHERE id = org_id), ''))
    $$""",
    """CREATE FUNCTION challenges_search_vector_fill() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := challenges_search_document(
            NEW.title, NEW.summary, NEW.description_md, NEW.tags, NEW.org_id);
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER challenges_search_vector
        BEFORE INSERT OR UPDATE OF title, summary, description_md, tags, org_id ON challenges
        FOR EACH ROW EXECUTE FUNCTION challenges_search_vector_fill()""",
    """CREATE FUNCTION challenges_search_sponsor_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE challenges SET search_vector = challenges_search_document(
            title, summary, description_md, tags, org_id) WHERE org_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER challenges_search_sponsor
        AFTER UPDATE OF name ON organizations
        FOR EACH ROW EXECUTE FUNCTION challenges_search_sponsor_renamed()""",
    """UPDATE challenges SET search_vector = challenges_search_document(
        title, summary, description_md, tags, org_id)""",
    "CREATE INDEX ix_challenges_search ON challenges USING gin (search_vector)",
]
POSTGRES_OLD = [
    "DROP INDEX IF EXISTS ix_challenges_search",
    "DROP TRIGGER IF EXISTS challenges_search_sponsor ON organizations",
    "DROP TRIGGER IF EXISTS challenges_search_vector ON challenges",
    "DROP FUNCTION IF EXISTS challenges_search_sponsor_renamed()",
    "DROP FUNCTION IF EXISTS challenges_search_vector_fill()",
    "DROP FUNCTION IF EXISTS challenges_search_document(text, text, text, text, integer)",
    "ALTER TABLE challenges DROP COLUMN IF EXISTS search_vector",
    """ALTER TABLE challenges ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('english', coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' ||
        coalesce(description_md, '') || ' ' || coalesce(tags, ''))) STORED""",
    "CREATE INDEX ix_challenges_search ON challenges USING gin (search_vector)",
]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DROP_OLD + SQLITE_SEARCH)
    elif dialect == "postgresql":
        _run(POSTGRES_SEARCH)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DROP_NEW + SQLITE_OLD)
    elif dialect == "postgresql":
        _run(POSTGRES_OLD)

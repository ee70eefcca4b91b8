"""Self-declared solver background on users (each nullable: not answered)

Revision ID: c9d4e2a7b613
Revises: a7c3e9f1d5b2
Create Date: 2026-12-04 19:06:22.391015

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9d4e2a7b613'
down_revision = 'a7c3e9f1d5b2'
branch_labels = None
depends_on = None


COLUMNS = {
    'bg_region': "'africa', 'north_america', 'latin_america_caribbean', 'east_asia', 'south_asia', 'south_east_asia', 'central_west_asia', 'europe', 'oceania', 'prefer_not_to_say'",
    'bg_discipline': "'life_sciences', 'physical_sciences', 'engineering', 'computing', 'social_sciences', 'arts_design', 'other', 'prefer_not_to_say'",
    'bg_career_stage': "'student', 'early_career', 'mid_career', 'senior', 'retired', 'prefer_not_to_say'",
    'bg_org_type': "'academic', 'industry', 'public_sector', 'independent', 'student', 'prefer_not_to_say'",
}


# ALTER TABLE ... ADD COLUMN with a column CHECK (both SQLite and PostgreSQL take it), never a
# batch copy of the table: on SQLite (foreign keys on) dropping the old users table would
# cascade-delete every row that points at a user.
def upgrade():
    for column, values in COLUMNS.items():
        op.execute(
            f"ALTER TABLE users ADD COLUMN {column} VARCHAR(32)"
            f" CONSTRAINT ck_users_{column}_valid CHECK ({column} IN ({values}))"
        )


def downgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_column(column)

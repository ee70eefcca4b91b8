"""The language each account reads the site and its e-mails in (NULL: the browser's)

Revision ID: e5a1c7d3b940
Revises: c9d4e2a7b613
Create Date: 2026-12-04 21:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a1c7d3b940'
down_revision = 'c9d4e2a7b613'
branch_labels = None
depends_on = None


# ADD COLUMN, never a batch copy of users (on SQLite that would cascade-delete memberships).
def upgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('locale')

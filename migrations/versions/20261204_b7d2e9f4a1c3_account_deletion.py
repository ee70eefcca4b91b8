"""Deleted accounts: when the person deleted it, and whether they chose "Former member"

Revision ID: b7d2e9f4a1c3
Revises: e5a1c7d3b940
Create Date: 2026-12-04 22:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e9f4a1c3'
down_revision = 'e5a1c7d3b940'
branch_labels = None
depends_on = None


# ADD COLUMN, never a batch copy of users (on SQLite that would cascade-delete memberships).
def upgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column('shown_as_former', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('shown_as_former')
        batch_op.drop_column('deleted_at')

"""results inputs version

judging_settings.inputs_version counts changes to what a results computation reads, and
result_snapshots.inputs_version records it, so the dashboard's stale check compares two
integers instead of re-reading every review. Existing snapshots keep NULL: their stale check
still recomputes the inputs hash.

Revision ID: b7e2c4a9d1f3
Revises: 3716ffdf407e
Create Date: 2026-12-04 09:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2c4a9d1f3'
down_revision = '3716ffdf407e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('judging_settings', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('inputs_version', sa.Integer(), server_default='0', nullable=False)
        )
    with op.batch_alter_table('result_snapshots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inputs_version', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('result_snapshots', schema=None) as batch_op:
        batch_op.drop_column('inputs_version')
    with op.batch_alter_table('judging_settings', schema=None) as batch_op:
        batch_op.drop_column('inputs_version')

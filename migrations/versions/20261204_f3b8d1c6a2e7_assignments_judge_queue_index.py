"""assignments judge queue index

A judge's list shows each seat's next assignments (drafts under way, untouched, submitted;
then by round and label) and its counts. Without an index in that order PostgreSQL read and
sorted every assignment of the seat on each view (8 ms for a judge with 1,000); with it, the
first page is an index range and the counts by state are index-only.

Revision ID: f3b8d1c6a2e7
Revises: 9522e82498d5
Create Date: 2026-12-04 15:20:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3b8d1c6a2e7'
down_revision = '9522e82498d5'
branch_labels = None
depends_on = None

# Written out as the model writes them (judging.models.QUEUE_ORDER): a query uses the index
# only when its ORDER BY is the same expression.
STATE_RANK = (
    "(CASE WHEN (state = 'in_progress') THEN 0 WHEN (state = 'assigned') THEN 1 "
    "WHEN (state = 'submitted') THEN 2 ELSE 3 END)"
)
ROUND_RANK = (
    "(CASE WHEN (round = 'screening') THEN 0 WHEN (round = 'evaluation') THEN 1 "
    "WHEN (round = 'finalist') THEN 2 ELSE 3 END)"
)


def upgrade():
    op.create_index(
        'ix_assignments_judge_queue',
        'assignments',
        ['judge_id', sa.text(STATE_RANK), sa.text(ROUND_RANK), 'blind_label', 'id'],
        unique=False,
        postgresql_include=['state'],
    )


def downgrade():
    op.drop_index('ix_assignments_judge_queue', table_name='assignments')

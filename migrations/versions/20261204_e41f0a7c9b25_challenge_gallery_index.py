"""challenge gallery index

/solutions?challenge= pages by cursor on (first_submitted_at, id) within one challenge: the
index on (challenge_id, status, first_submitted_at) gains id, so a deep page is an index range
read in order instead of a sort of all the challenge's entries. It replaces the old index,
whose queries (a challenge's entries by status and time) it serves as well.

Revision ID: e41f0a7c9b25
Revises: b7e2c4a9d1f3
Create Date: 2026-12-04 12:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e41f0a7c9b25'
down_revision = 'b7e2c4a9d1f3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(
            'ix_submissions_challenge_gallery',
            ['challenge_id', 'status', 'first_submitted_at', 'id'],
            unique=False,
        )
        batch_op.drop_index('ix_submissions_public')


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index(
            'ix_submissions_public', ['challenge_id', 'status', 'first_submitted_at'], unique=False
        )
        batch_op.drop_index('ix_submissions_challenge_gallery')

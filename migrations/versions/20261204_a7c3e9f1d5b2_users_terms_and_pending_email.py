"""users terms acceptance and pending e-mail

The version of the terms and privacy notice each account accepted (and when), and the new
address an account asked to move to until that address confirms it. Existing accounts get
NULL: they are asked to accept the terms on their next visit.

Revision ID: a7c3e9f1d5b2
Revises: 1a5eaf76a031
Create Date: 2026-12-04 19:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1d5b2'
down_revision = '1a5eaf76a031'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('terms_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('terms_accepted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('pending_email', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('pending_email')
        batch_op.drop_column('terms_accepted_at')
        batch_op.drop_column('terms_version')

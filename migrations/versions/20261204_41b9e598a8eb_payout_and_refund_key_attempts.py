"""payout and refund key attempts

Stripe replays a key's first answer, a 5xx included: payouts and refunds record which attempt
their idempotency key is on (1 keeps the plain ``payout:<id>`` / ``refund:<id>``), and refunds
when their current key came into use (existing rows: their creation time).

Revision ID: 41b9e598a8eb
Revises: d72cacec9d0f
Create Date: 2026-12-04 05:25:45.802241

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '41b9e598a8eb'
down_revision = 'd72cacec9d0f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_attempt', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_check_constraint(op.f('ck_payouts_key_attempt_positive'), 'key_attempt >= 1')

    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_attempt', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('key_started_at', sa.DateTime(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_refunds_key_attempt_positive'), 'key_attempt >= 1')
    op.execute("UPDATE refunds SET key_started_at = created_at")
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.alter_column('key_started_at', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_refunds_key_attempt_positive'), type_='check')
        batch_op.drop_column('key_started_at')
        batch_op.drop_column('key_attempt')

    with op.batch_alter_table('payouts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_payouts_key_attempt_positive'), type_='check')
        batch_op.drop_column('key_attempt')

"""installation id

One row per database: a random id that starts every Stripe idempotency key, so two installs
(or a database made again) on one Stripe account never replay each other's answers. Made
here for an existing database: its payouts and refunds keep their first key as Stripe first
saw it (``legacy_*_upto``), since one may be awaiting a retry whose answer was lost. Checkout
sessions and Connect accounts in flight get the new prefix; a retry of one may leave an
unused session or account at Stripe, never a second charge.

Revision ID: 275d16636b67
Revises: 41b9e598a8eb
Create Date: 2026-12-04 05:50:49.062235

"""
import secrets
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '275d16636b67'
down_revision = '41b9e598a8eb'
branch_labels = None
depends_on = None


def upgrade():
    installations = op.create_table('installations',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('install_id', sa.String(length=40), nullable=False),
    sa.Column('legacy_payouts_upto', sa.Integer(), server_default='0', nullable=False),
    sa.Column('legacy_refunds_upto', sa.Integer(), server_default='0', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_installations_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installations')),
    sa.UniqueConstraint('install_id', name=op.f('uq_installations_install_id'))
    )
    connection = op.get_bind()
    payouts = connection.scalar(sa.text("SELECT COALESCE(MAX(id), 0) FROM payouts"))
    refunds = connection.scalar(sa.text("SELECT COALESCE(MAX(id), 0) FROM refunds"))
    op.bulk_insert(installations, [{
        'id': 1,
        'install_id': f"op{secrets.token_hex(8)}",
        'legacy_payouts_upto': int(payouts),
        'legacy_refunds_upto': int(refunds),
        'created_at': datetime.now(UTC).replace(tzinfo=None),
    }])


def downgrade():
    op.drop_table('installations')

"""notices

An in-site copy of each message e-mailed to an account, read or unread, and the account's
count of unread ones (0 for everyone: nothing was kept before).

Revision ID: 8d1f3a6c2b57
Revises: 7c2e4b9a1d03
Create Date: 2026-12-04 18:40:00.000000

"""
import sqlalchemy as sa
from alembic import op



# revision identifiers, used by Alembic.
revision = '8d1f3a6c2b57'
down_revision = '7c2e4b9a1d03'
branch_labels = None
depends_on = None


def upgrade():
    # ALTER TABLE ... ADD COLUMN, never a batch copy of users (see the user mail settings).
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(
            sa.Column('unread_notices', sa.Integer(), server_default='0', nullable=False)
        )
    op.create_table(
        'notices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('subject', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=2000), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notices_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index('ix_notices_user_id_id', ['user_id', 'id'], unique=False)
        batch_op.create_index('ix_notices_user_id_read_at', ['user_id', 'read_at'], unique=False)


def downgrade():
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index('ix_notices_user_id_read_at')
        batch_op.drop_index('ix_notices_user_id_id')
    op.drop_table('notices')
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('unread_notices')

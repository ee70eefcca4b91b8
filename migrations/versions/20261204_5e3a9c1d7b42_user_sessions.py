"""user sessions

A row per signed-in browser (user_sessions: hashed token, created, last seen, revoked), so that
signing out and a password reset end sessions on the server. It replaces users.auth_stamp, which
could only end all of a user's sessions at once; people signed in when this runs sign in again.

Revision ID: 5e3a9c1d7b42
Revises: 72fb3c2f9e2d
Create Date: 2026-12-04 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e3a9c1d7b42'
down_revision = '72fb3c2f9e2d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    # ALTER TABLE ... DROP COLUMN, never a batch copy of the table: on SQLite (foreign keys on)
    # dropping the old users table would cascade-delete every row that points at a user.
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('auth_stamp')


def downgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        # A fixed stamp: the old code's session ids ("<id>:<stamp>") then need a new sign-in.
        batch_op.add_column(sa.Column('auth_stamp', sa.String(length=32), nullable=False, server_default='0000000000000000'))

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')

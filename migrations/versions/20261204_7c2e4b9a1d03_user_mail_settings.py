"""user mail settings

Three optional e-mail kinds a person may turn off (updates, questions and answers, reminders):
a boolean each on users, true for everyone already signed up (what they received until now).

Revision ID: 7c2e4b9a1d03
Revises: f3b8d1c6a2e7
Create Date: 2026-12-04 18:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c2e4b9a1d03'
down_revision = 'f3b8d1c6a2e7'
branch_labels = None
depends_on = None

COLUMNS = ("mail_updates", "mail_qa", "mail_reminders")


# ALTER TABLE ... ADD/DROP COLUMN, never a batch copy of the table: on SQLite (foreign keys on)
# dropping the copied users table would cascade to every row that points at a user.
def upgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        for name in COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.Boolean(), server_default=sa.true(), nullable=False)
            )


def downgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)

"""community voting needs public entries

Community voting is now refused unless solutions are public on submission: the public votes
on entries it can read. Challenges that had voting on with hidden solutions (nobody could
cast a vote for a People's Choice they promised) turn it off, and their People's Choice tier
and community weight are cleared, so the page stops promising the award and the tier is
given by rank. A challenge whose People's Choice was actually awarded keeps its history.
Data only; the downgrade leaves the data as it is (the old combination is not restored).

Revision ID: c8fc999f60f6
Revises: 5e3a9c1d7b42
Create Date: 2026-12-04 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8fc999f60f6'
down_revision = '5e3a9c1d7b42'
branch_labels = None
depends_on = None

INCOHERENT = (
    "SELECT id FROM challenges WHERE community_voting "
    "AND solution_visibility <> 'public_on_submit' "
    "AND id NOT IN (SELECT challenge_id FROM awards WHERE kind = 'peoples_choice')"
)


def upgrade():
    op.execute(
        sa.text(
            "UPDATE judging_settings SET peoples_choice_tier_id = NULL, community_weight = 0 "
            f"WHERE challenge_id IN ({INCOHERENT})"
        )
    )
    op.execute(
        sa.text(f"UPDATE challenges SET community_voting = false WHERE id IN ({INCOHERENT})")
    )


def downgrade():
    pass

"""Self-declared solver background on users (each nullable: not answered)

Revision ID: c9d4e2a7b613
Revises: f3b8d1c6a2e7
Create Date: 2026-12-04 19:06:22.391015

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9d4e2a7b613'
down_revision = 'f3b8d1c6a2e7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bg_region', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('bg_discipline', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('bg_career_stage', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('bg_org_type', sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(batch_op.f('ck_users_bg_region_valid'), "bg_region IN ('africa', 'north_america', 'latin_america_caribbean', 'east_asia', 'south_asia', 'south_east_asia', 'central_west_asia', 'europe', 'oceania', 'prefer_not_to_say')")
        batch_op.create_check_constraint(batch_op.f('ck_users_bg_discipline_valid'), "bg_discipline IN ('life_sciences', 'physical_sciences', 'engineering', 'computing', 'social_sciences', 'arts_design', 'other', 'prefer_not_to_say')")
        batch_op.create_check_constraint(batch_op.f('ck_users_bg_career_stage_valid'), "bg_career_stage IN ('student', 'early_career', 'mid_career', 'senior', 'retired', 'prefer_not_to_say')")
        batch_op.create_check_constraint(batch_op.f('ck_users_bg_org_type_valid'), "bg_org_type IN ('academic', 'industry', 'public_sector', 'independent', 'student', 'prefer_not_to_say')")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_bg_org_type_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_bg_career_stage_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_bg_discipline_valid'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_bg_region_valid'), type_='check')
        batch_op.drop_column('bg_org_type')
        batch_op.drop_column('bg_career_stage')
        batch_op.drop_column('bg_discipline')
        batch_op.drop_column('bg_region')

"""people: expert profiles, fields of expertise, past employers, declared relationships (rule 11)

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02 00:18:00.896581

The lead re-chains down_revision at merge (this branch was cut at 0004).

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('expert_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=64), nullable=True),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employer_id'], ['organisations.id'], name=op.f('fk_expert_profiles_employer_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_expert_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_expert_profiles_user_id'))
    )
    with op.batch_alter_table('expert_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_profiles_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_profiles_is_active'), ['is_active'], unique=False)

    op.create_table('expert_employments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('start_year', sa.Integer(), nullable=False),
    sa.Column('end_year', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_year >= start_year', name=op.f('ck_expert_employments_end_after_start')),
    sa.CheckConstraint('start_year >= 1950', name=op.f('ck_expert_employments_start_year_plausible')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_expert_employments_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['profile_id'], ['expert_profiles.id'], name=op.f('fk_expert_employments_profile_id_expert_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_employments')),
    sa.UniqueConstraint('profile_id', 'organisation_id', 'start_year', name=op.f('uq_expert_employments_profile_id_organisation_id_start_year'))
    )
    with op.batch_alter_table('expert_employments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_employments_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_employments_profile_id'), ['profile_id'], unique=False)

    op.create_table('expert_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['expert_profiles.id'], name=op.f('fk_expert_fields_profile_id_expert_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_fields')),
    sa.UniqueConstraint('profile_id', 'field', name=op.f('uq_expert_fields_profile_id_field'))
    )
    with op.batch_alter_table('expert_fields', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_fields_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_fields_profile_id'), ['profile_id'], unique=False)

    op.create_table('expert_relationships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_expert_relationships_reason_not_empty')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_expert_relationships_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['profile_id'], ['expert_profiles.id'], name=op.f('fk_expert_relationships_profile_id_expert_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_relationships')),
    sa.UniqueConstraint('profile_id', 'organisation_id', name=op.f('uq_expert_relationships_profile_id_organisation_id'))
    )
    with op.batch_alter_table('expert_relationships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_relationships_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_relationships_profile_id'), ['profile_id'], unique=False)



def downgrade():
    with op.batch_alter_table('expert_relationships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_relationships_profile_id'))
        batch_op.drop_index(batch_op.f('ix_expert_relationships_organisation_id'))

    op.drop_table('expert_relationships')
    with op.batch_alter_table('expert_fields', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_fields_profile_id'))
        batch_op.drop_index(batch_op.f('ix_expert_fields_field'))

    op.drop_table('expert_fields')
    with op.batch_alter_table('expert_employments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_employments_profile_id'))
        batch_op.drop_index(batch_op.f('ix_expert_employments_organisation_id'))

    op.drop_table('expert_employments')
    with op.batch_alter_table('expert_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_profiles_is_active'))
        batch_op.drop_index(batch_op.f('ix_expert_profiles_employer_id'))

    op.drop_table('expert_profiles')

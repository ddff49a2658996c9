"""challenges: demands, challenges, KPIs, milestone templates, amendments, publications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 22:39:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('challenge_publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_challenge_publications_published_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_publications'))
    )
    op.create_table('demands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'returned', 'accepted', 'rejected', name='demand_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('core_indicators', sa.Text(), nullable=False),
    sa.Column('time_limit_months', sa.Integer(), nullable=True),
    sa.Column('ip_ownership', sa.Text(), nullable=False),
    sa.Column('own_funding_fen', sa.BigInteger(), nullable=True),
    sa.Column('solver_conditions', sa.Text(), nullable=False),
    sa.Column('cannot_solve_alone', sa.Boolean(), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state = 'draft' OR submitted_at IS NOT NULL", name=op.f('ck_demands_submitted_has_time')),
    sa.CheckConstraint("state NOT IN ('rejected', 'returned') OR decision_reason IS NOT NULL", name=op.f('ck_demands_decision_has_reason')),
    sa.CheckConstraint('own_funding_fen IS NULL OR own_funding_fen >= 0', name=op.f('ck_demands_own_funding_non_negative')),
    sa.CheckConstraint('time_limit_months IS NULL OR time_limit_months >= 1', name=op.f('ck_demands_time_limit_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_demands_created_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_demands_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demands'))
    )
    with op.batch_alter_table('demands', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demands_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_demands_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demands_state'), ['state'], unique=False)

    op.create_table('challenges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'published', 'closed', 'under_review', 'awarded', 'in_progress', 'finished', 'cancelled', name='challenge_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=False),
    sa.Column('problem_statement', sa.Text(), nullable=False),
    sa.Column('time_limit_months', sa.Integer(), nullable=True),
    sa.Column('support_fen', sa.BigInteger(), nullable=True),
    sa.Column('issuer_funding_fen', sa.BigInteger(), nullable=True),
    sa.Column('ip_terms', sa.Text(), nullable=False),
    sa.Column('eligibility', sa.Text(), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('bid_opens_at', sa.DateTime(), nullable=True),
    sa.Column('bid_deadline_at', sa.DateTime(), nullable=True),
    sa.Column('slots', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=True),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('demand_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(state = 'cancelled') = (cancel_reason IS NOT NULL)", name=op.f('ck_challenges_cancel_has_reason')),
    sa.CheckConstraint("state != 'closed' OR closed_at IS NOT NULL", name=op.f('ck_challenges_closed_has_time')),
    sa.CheckConstraint("state IN ('draft', 'cancelled') OR (published_at IS NOT NULL AND publication_id IS NOT NULL AND time_limit_months IS NOT NULL AND support_fen IS NOT NULL AND issuer_funding_fen IS NOT NULL AND bid_opens_at IS NOT NULL AND bid_deadline_at IS NOT NULL)", name=op.f('ck_challenges_published_complete')),
    sa.CheckConstraint('bid_deadline_at IS NULL OR bid_opens_at IS NULL OR bid_deadline_at > bid_opens_at', name=op.f('ck_challenges_deadline_after_opening')),
    sa.CheckConstraint('issuer_funding_fen IS NULL OR issuer_funding_fen >= 0', name=op.f('ck_challenges_issuer_funding_non_negative')),
    sa.CheckConstraint('slots >= 1', name=op.f('ck_challenges_slots_positive')),
    sa.CheckConstraint('support_fen IS NULL OR support_fen >= 0', name=op.f('ck_challenges_support_non_negative')),
    sa.CheckConstraint('time_limit_months IS NULL OR time_limit_months >= 1', name=op.f('ck_challenges_time_limit_positive')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_challenges_created_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_challenges_demand_id_demands'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['issuer_id'], ['organisations.id'], name=op.f('fk_challenges_issuer_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['publication_id'], ['challenge_publications.id'], name=op.f('fk_challenges_publication_id_challenge_publications'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenges')),
    sa.UniqueConstraint('demand_id', name=op.f('uq_challenges_demand_id'))
    )
    with op.batch_alter_table('challenges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenges_bid_deadline_at'), ['bid_deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenges_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenges_issuer_id'), ['issuer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenges_publication_id'), ['publication_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_challenges_state'), ['state'], unique=False)

    op.create_table('demand_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_demand_attachments_sha256_length')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_demand_attachments_size_positive')),
    sa.ForeignKeyConstraint(['demand_id'], ['demands.id'], name=op.f('fk_demand_attachments_demand_id_demands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_demand_attachments_uploaded_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_attachments'))
    )
    with op.batch_alter_table('demand_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_attachments_demand_id'), ['demand_id'], unique=False)

    op.create_table('challenge_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('amended_at', sa.DateTime(), nullable=False),
    sa.Column('amended_by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('changes_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['amended_by_id'], ['users.id'], name=op.f('fk_challenge_amendments_amended_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_amendments_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_amendments'))
    )
    with op.batch_alter_table('challenge_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_amendments_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('challenge_kpis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('comparator', sa.Enum('ge', 'gt', 'le', 'lt', 'eq', name='kpi_comparator', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('target_value', sa.Numeric(precision=20, scale=6), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('verification_method', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_kpis_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_kpis')),
    sa.UniqueConstraint('challenge_id', 'position', name=op.f('uq_challenge_kpis_challenge_id_position'))
    )
    with op.batch_alter_table('challenge_kpis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_kpis_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('challenge_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('month_offset', sa.Integer(), nullable=False),
    sa.Column('tranche_percent', sa.Integer(), nullable=False),
    sa.Column('is_race_checkpoint', sa.Boolean(), nullable=False),
    sa.CheckConstraint('month_offset >= 0', name=op.f('ck_challenge_milestones_month_offset_non_negative')),
    sa.CheckConstraint('tranche_percent >= 0 AND tranche_percent <= 100', name=op.f('ck_challenge_milestones_percent_range')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_challenge_milestones_challenge_id_challenges'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_challenge_milestones')),
    sa.UniqueConstraint('challenge_id', 'position', name=op.f('uq_challenge_milestones_challenge_id_position'))
    )
    with op.batch_alter_table('challenge_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_challenge_milestones_challenge_id'), ['challenge_id'], unique=False)


def downgrade():
    # Children first; each table's indexes go with it.
    for table in ('challenge_milestones', 'challenge_kpis', 'challenge_amendments',
                  'demand_attachments', 'challenges', 'demands', 'challenge_publications'):
        op.drop_table(table)

"""bids: bids, consortium members, KPI answers, milestone plans, attachments, versions, openings, formal reviews

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 22:47:33.460807

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bid_openings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('bid_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_bid_openings_challenge_id_challenges'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_bid_openings_opened_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_openings')),
    sa.UniqueConstraint('challenge_id', name=op.f('uq_bid_openings_challenge_id'))
    )
    op.create_table('bids',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'submitted', 'needs_reconfirm', 'withdrawn', 'passed', 'failed', name='bid_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('leader_name', sa.String(length=100), nullable=False),
    sa.Column('leader_title', sa.String(length=100), nullable=False),
    sa.Column('leader_phone', sa.String(length=32), nullable=False),
    sa.Column('leader_email', sa.String(length=254), nullable=False),
    sa.Column('technical_plan', sa.Text(), nullable=False),
    sa.Column('fiscal_support_fen', sa.BigInteger(), nullable=True),
    sa.Column('issuer_funding_fen', sa.BigInteger(), nullable=True),
    sa.Column('self_funding_fen', sa.BigInteger(), nullable=True),
    sa.Column('current_version_no', sa.Integer(), nullable=False),
    sa.Column('last_submitted_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(state = 'withdrawn') = (withdrawn_at IS NOT NULL)", name=op.f('ck_bids_withdrawn_has_time')),
    sa.CheckConstraint("state NOT IN ('submitted', 'needs_reconfirm', 'passed', 'failed') OR current_version_no >= 1", name=op.f('ck_bids_submitted_has_version')),
    sa.CheckConstraint('current_version_no >= 0', name=op.f('ck_bids_version_non_negative')),
    sa.CheckConstraint('fiscal_support_fen IS NULL OR fiscal_support_fen >= 0', name=op.f('ck_bids_fiscal_non_negative')),
    sa.CheckConstraint('issuer_funding_fen IS NULL OR issuer_funding_fen >= 0', name=op.f('ck_bids_issuer_non_negative')),
    sa.CheckConstraint('self_funding_fen IS NULL OR self_funding_fen >= 0', name=op.f('ck_bids_self_non_negative')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_bids_challenge_id_challenges'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_bids_created_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_bids_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bids')),
    sa.UniqueConstraint('challenge_id', 'organisation_id', name=op.f('uq_bids_challenge_id_organisation_id'))
    )
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bids_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bids_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bids_state'), ['state'], unique=False)

    op.create_table('bid_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('application', 'signed', 'qualification', 'other', name='bid_attachment_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_bid_attachments_sha256_length')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_bid_attachments_not_empty')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_bid_attachments_bid_id_bids'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_bid_attachments_uploaded_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_attachments'))
    )
    with op.batch_alter_table('bid_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_attachments_bid_id'), ['bid_id'], unique=False)

    op.create_table('bid_formal_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.Column('is_complete', sa.Boolean(), nullable=False),
    sa.Column('is_eligible', sa.Boolean(), nullable=False),
    sa.Column('has_signatures', sa.Boolean(), nullable=False),
    sa.Column('is_passed', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(is_passed AND is_complete AND is_eligible AND has_signatures) OR (NOT is_passed AND reason IS NOT NULL AND length(reason) > 0)', name=op.f('ck_bid_formal_reviews_outcome_consistent')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_bid_formal_reviews_bid_id_bids'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_bid_formal_reviews_reviewer_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_formal_reviews')),
    sa.UniqueConstraint('bid_id', name=op.f('uq_bid_formal_reviews_bid_id'))
    )
    op.create_table('bid_kpi_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('proposed_value', sa.Numeric(precision=20, scale=6), nullable=True),
    sa.Column('verification', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_bid_kpi_answers_bid_id_bids'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kpi_id'], ['challenge_kpis.id'], name=op.f('fk_bid_kpi_answers_kpi_id_challenge_kpis'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_kpi_answers')),
    sa.UniqueConstraint('bid_id', 'kpi_id', name=op.f('uq_bid_kpi_answers_bid_id_kpi_id'))
    )
    with op.batch_alter_table('bid_kpi_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_kpi_answers_bid_id'), ['bid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bid_kpi_answers_kpi_id'), ['kpi_id'], unique=False)

    op.create_table('bid_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_bid_members_bid_id_bids'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_bid_members_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_members')),
    sa.UniqueConstraint('bid_id', 'organisation_id', name=op.f('uq_bid_members_bid_id_organisation_id')),
    sa.UniqueConstraint('bid_id', 'position', name=op.f('uq_bid_members_bid_id_position'))
    )
    with op.batch_alter_table('bid_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_members_bid_id'), ['bid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bid_members_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('bid_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('deliverable', sa.Text(), nullable=False),
    sa.Column('tranche_percent', sa.Integer(), nullable=True),
    sa.Column('is_race_checkpoint', sa.Boolean(), nullable=False),
    sa.CheckConstraint('tranche_percent IS NULL OR (tranche_percent >= 0 AND tranche_percent <= 100)', name=op.f('ck_bid_milestones_percent_range')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_bid_milestones_bid_id_bids'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_milestones')),
    sa.UniqueConstraint('bid_id', 'position', name=op.f('uq_bid_milestones_bid_id_position'))
    )
    with op.batch_alter_table('bid_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_milestones_bid_id'), ['bid_id'], unique=False)

    op.create_table('bid_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('snapshot_json', sa.Text(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.CheckConstraint('length(content_sha256) = 64', name=op.f('ck_bid_versions_sha256_length')),
    sa.CheckConstraint('version_no >= 1', name=op.f('ck_bid_versions_version_positive')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_bid_versions_bid_id_bids'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_bid_versions_submitted_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_versions')),
    sa.UniqueConstraint('bid_id', 'version_no', name=op.f('uq_bid_versions_bid_id_version_no'))
    )
    with op.batch_alter_table('bid_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_versions_bid_id'), ['bid_id'], unique=False)



def downgrade():
    with op.batch_alter_table('bid_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_versions_bid_id'))

    op.drop_table('bid_versions')
    with op.batch_alter_table('bid_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_milestones_bid_id'))

    op.drop_table('bid_milestones')
    with op.batch_alter_table('bid_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_members_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_bid_members_bid_id'))

    op.drop_table('bid_members')
    with op.batch_alter_table('bid_kpi_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_kpi_answers_kpi_id'))
        batch_op.drop_index(batch_op.f('ix_bid_kpi_answers_bid_id'))

    op.drop_table('bid_kpi_answers')
    op.drop_table('bid_formal_reviews')
    with op.batch_alter_table('bid_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_attachments_bid_id'))

    op.drop_table('bid_attachments')
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bids_state'))
        batch_op.drop_index(batch_op.f('ix_bids_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_bids_challenge_id'))

    op.drop_table('bids')
    op.drop_table('bid_openings')

"""projects: agreements (立项), KPIs and milestones with tranche percentages, milestone
reports and their expert reviews, the horse race's decisions, extensions (rule 18),
acceptance, termination and revocation, reminders sent

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-02 01:10:10.296745

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('race_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_race_decisions_challenge_id_challenges'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_race_decisions_decided_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_race_decisions')),
    sa.UniqueConstraint('challenge_id', name=op.f('uq_race_decisions_challenge_id'))
    )
    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('bid_version_no', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('preparing', 'running', 'final_submitted', 'accepted', 'acceptance_failed', 'eliminated', 'terminated', 'revoked', name='project_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('leader', sa.String(length=300), nullable=False),
    sa.Column('fiscal_support_fen', sa.BigInteger(), nullable=False),
    sa.Column('issuer_funding_fen', sa.BigInteger(), nullable=False),
    sa.Column('self_funding_fen', sa.BigInteger(), nullable=False),
    sa.Column('ip_terms', sa.Text(), nullable=False),
    sa.Column('start_on', sa.Date(), nullable=False),
    sa.Column('original_end_on', sa.Date(), nullable=False),
    sa.Column('end_on', sa.Date(), nullable=False),
    sa.Column('agreement_name', sa.String(length=200), nullable=True),
    sa.Column('agreement_sha256', sa.String(length=64), nullable=True),
    sa.Column('agreement_size', sa.BigInteger(), nullable=True),
    sa.Column('agreement_uploaded_at', sa.DateTime(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(state IN ('eliminated', 'terminated', 'revoked')) = (ended_at IS NOT NULL)", name=op.f('ck_projects_ended_has_time')),
    sa.CheckConstraint("state IN ('preparing', 'terminated', 'revoked') OR signed_on IS NOT NULL", name=op.f('ck_projects_running_is_signed')),
    sa.CheckConstraint('(signed_on IS NULL) OR (agreement_sha256 IS NOT NULL)', name=op.f('ck_projects_signed_has_agreement')),
    sa.CheckConstraint('agreement_sha256 IS NULL OR length(agreement_sha256) = 64', name=op.f('ck_projects_agreement_sha256_length')),
    sa.CheckConstraint('end_on > start_on', name=op.f('ck_projects_end_after_start')),
    sa.CheckConstraint('fiscal_support_fen >= 0 AND issuer_funding_fen >= 0 AND self_funding_fen >= 0', name=op.f('ck_projects_amounts_non_negative')),
    sa.CheckConstraint('original_end_on <= end_on', name=op.f('ck_projects_end_never_earlier')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_projects_approved_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_projects_bid_id_bids'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_projects_challenge_id_challenges'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_projects_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('bid_id', name=op.f('uq_projects_bid_id'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_state'), ['state'], unique=False)

    op.create_table('project_acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('spent_fen', sa.BigInteger(), nullable=False),
    sa.Column('is_late', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('panel_seed', sa.String(length=64), nullable=True),
    sa.Column('panel_json', sa.Text(), nullable=True),
    sa.Column('is_passed', sa.Boolean(), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(decided_at IS NULL) = (is_passed IS NULL)', name=op.f('ck_project_acceptances_decided_has_outcome')),
    sa.CheckConstraint('is_passed IS NULL OR is_passed OR length(opinion) > 0', name=op.f('ck_project_acceptances_failure_has_opinion')),
    sa.CheckConstraint('spent_fen >= 0', name=op.f('ck_project_acceptances_spent_non_negative')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_project_acceptances_decided_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['document_id'], ['issued_documents.id'], name=op.f('fk_project_acceptances_document_id_issued_documents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_acceptances_project_id_projects'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_project_acceptances_submitted_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_acceptances')),
    sa.UniqueConstraint('project_id', name=op.f('uq_project_acceptances_project_id'))
    )
    op.create_table('project_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('requested', 'approved', 'rejected', name='extension_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.CheckConstraint("(state = 'requested') = (decided_at IS NULL)", name=op.f('ck_project_extensions_decided_has_time')),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_project_extensions_has_reason')),
    sa.CheckConstraint('months >= 1 AND months <= 120', name=op.f('ck_project_extensions_months_range')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_project_extensions_decided_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_extensions_project_id_projects'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_project_extensions_requested_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_extensions')),
    sa.UniqueConstraint('project_id', name=op.f('uq_project_extensions_project_id'))
    )
    op.create_table('project_kpis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('comparator', sa.String(length=4), nullable=False),
    sa.Column('target_value', sa.Numeric(precision=20, scale=6), nullable=False),
    sa.Column('committed_value', sa.Numeric(precision=20, scale=6), nullable=True),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('verification', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_kpis_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_kpis')),
    sa.UniqueConstraint('project_id', 'position', name=op.f('uq_project_kpis_project_id_position'))
    )
    with op.batch_alter_table('project_kpis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_kpis_project_id'), ['project_id'], unique=False)

    op.create_table('project_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_project_members_organisation_id_organisations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_members_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_members')),
    sa.UniqueConstraint('project_id', 'organisation_id', name=op.f('uq_project_members_project_id_organisation_id')),
    sa.UniqueConstraint('project_id', 'position', name=op.f('uq_project_members_project_id_position'))
    )
    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_members_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_members_project_id'), ['project_id'], unique=False)

    op.create_table('project_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('original_due_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('deliverable', sa.Text(), nullable=False),
    sa.Column('tranche_percent', sa.Integer(), nullable=False),
    sa.Column('is_race_checkpoint', sa.Boolean(), nullable=False),
    sa.Column('state', sa.Enum('pending', 'submitted', 'needs_fix', 'passed', 'failed', 'cancelled', name='milestone_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('fix_due_on', sa.Date(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("state != 'needs_fix' OR fix_due_on IS NOT NULL", name=op.f('ck_project_milestones_fix_has_deadline')),
    sa.CheckConstraint('original_due_on <= due_on', name=op.f('ck_project_milestones_due_never_earlier')),
    sa.CheckConstraint('tranche_percent >= 0 AND tranche_percent <= 100', name=op.f('ck_project_milestones_percent_range')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_milestones_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_milestones')),
    sa.UniqueConstraint('project_id', 'position', name=op.f('uq_project_milestones_project_id_position'))
    )
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_milestones_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_milestones_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_project_milestones_state'), ['state'], unique=False)

    op.create_table('project_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_reminders_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_reminders')),
    sa.UniqueConstraint('key', name=op.f('uq_project_reminders_key'))
    )
    with op.batch_alter_table('project_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_reminders_project_id'), ['project_id'], unique=False)

    op.create_table('project_terminations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('voluntary', 'revoked', name='termination_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason_code', sa.Enum('force_majeure', 'published_by_others', 'leader_lost', 'ip_dispute', 'enterprise_distress', name='termination_reason', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('is_tolerated', sa.Boolean(), nullable=True),
    sa.Column('refund_fen', sa.BigInteger(), nullable=False),
    sa.Column('recover_fen', sa.BigInteger(), nullable=False),
    sa.Column('bad_credit_record_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind != 'revoked' OR (bad_credit_record_id IS NOT NULL AND reason_code IS NULL)", name=op.f('ck_project_terminations_revoked_complete')),
    sa.CheckConstraint("kind != 'voluntary' OR (reason_code IS NOT NULL AND is_tolerated IS NOT NULL)", name=op.f('ck_project_terminations_voluntary_complete')),
    sa.CheckConstraint('length(explanation) > 0', name=op.f('ck_project_terminations_has_explanation')),
    sa.CheckConstraint('refund_fen >= 0 AND recover_fen >= 0', name=op.f('ck_project_terminations_amounts_non_negative')),
    sa.ForeignKeyConstraint(['bad_credit_record_id'], ['bad_credit_records.id'], name=op.f('fk_project_terminations_bad_credit_record_id_bad_credit_records'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_project_terminations_decided_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['document_id'], ['issued_documents.id'], name=op.f('fk_project_terminations_document_id_issued_documents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_terminations_project_id_projects'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_terminations')),
    sa.UniqueConstraint('project_id', name=op.f('uq_project_terminations_project_id'))
    )
    op.create_table('race_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('continues', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('continues OR length(reason) > 0', name=op.f('ck_race_outcomes_elimination_has_reason')),
    sa.ForeignKeyConstraint(['decision_id'], ['race_decisions.id'], name=op.f('fk_race_outcomes_decision_id_race_decisions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['document_id'], ['issued_documents.id'], name=op.f('fk_race_outcomes_document_id_issued_documents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_race_outcomes_project_id_projects'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_race_outcomes')),
    sa.UniqueConstraint('project_id', name=op.f('uq_race_outcomes_project_id'))
    )
    with op.batch_alter_table('race_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_race_outcomes_decision_id'), ['decision_id'], unique=False)

    op.create_table('acceptance_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('acceptance_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_acceptance_attachments_sha256_length')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_acceptance_attachments_not_empty')),
    sa.ForeignKeyConstraint(['acceptance_id'], ['project_acceptances.id'], name=op.f('fk_acceptance_attachments_acceptance_id_project_acceptances'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acceptance_attachments'))
    )
    with op.batch_alter_table('acceptance_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acceptance_attachments_acceptance_id'), ['acceptance_id'], unique=False)

    op.create_table('acceptance_kpi_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('acceptance_id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('claimed_value', sa.Numeric(precision=20, scale=6), nullable=False),
    sa.Column('measured_value', sa.Numeric(precision=20, scale=6), nullable=True),
    sa.Column('is_met', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['acceptance_id'], ['project_acceptances.id'], name=op.f('fk_acceptance_kpi_results_acceptance_id_project_acceptances'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['kpi_id'], ['project_kpis.id'], name=op.f('fk_acceptance_kpi_results_kpi_id_project_kpis'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_acceptance_kpi_results')),
    sa.UniqueConstraint('acceptance_id', 'kpi_id', name=op.f('uq_acceptance_kpi_results_acceptance_id_kpi_id'))
    )
    with op.batch_alter_table('acceptance_kpi_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_acceptance_kpi_results_acceptance_id'), ['acceptance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_acceptance_kpi_results_kpi_id'), ['kpi_id'], unique=False)

    op.create_table('milestone_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('version_no', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('submitted', 'under_review', 'passed', 'needs_fix', 'failed', 'void', name='milestone_report_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('progress', sa.Text(), nullable=False),
    sa.Column('deliverables', sa.Text(), nullable=False),
    sa.Column('spent_fen', sa.BigInteger(), nullable=False),
    sa.Column('is_late', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('panel_seed', sa.String(length=64), nullable=True),
    sa.Column('panel_json', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('fix_due_on', sa.Date(), nullable=True),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(state IN ('passed', 'needs_fix', 'failed')) = (decided_at IS NOT NULL)", name=op.f('ck_milestone_reports_decided_has_time')),
    sa.CheckConstraint("state != 'needs_fix' OR fix_due_on IS NOT NULL", name=op.f('ck_milestone_reports_fix_has_deadline')),
    sa.CheckConstraint("state NOT IN ('needs_fix', 'failed') OR length(decision_reason) > 0", name=op.f('ck_milestone_reports_refusal_has_reason')),
    sa.CheckConstraint('spent_fen >= 0', name=op.f('ck_milestone_reports_spent_non_negative')),
    sa.CheckConstraint('version_no >= 1', name=op.f('ck_milestone_reports_version_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_milestone_reports_decided_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['document_id'], ['issued_documents.id'], name=op.f('fk_milestone_reports_document_id_issued_documents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['milestone_id'], ['project_milestones.id'], name=op.f('fk_milestone_reports_milestone_id_project_milestones'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_milestone_reports_submitted_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_milestone_reports')),
    sa.UniqueConstraint('milestone_id', 'version_no', name=op.f('uq_milestone_reports_milestone_id_version_no'))
    )
    with op.batch_alter_table('milestone_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_milestone_reports_milestone_id'), ['milestone_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_milestone_reports_state'), ['state'], unique=False)

    op.create_table('report_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_report_attachments_sha256_length')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_report_attachments_not_empty')),
    sa.ForeignKeyConstraint(['report_id'], ['milestone_reports.id'], name=op.f('fk_report_attachments_report_id_milestone_reports'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_attachments'))
    )
    with op.batch_alter_table('report_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_attachments_report_id'), ['report_id'], unique=False)

    op.create_table('report_kpi_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('measured_value', sa.Numeric(precision=20, scale=6), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['kpi_id'], ['project_kpis.id'], name=op.f('fk_report_kpi_values_kpi_id_project_kpis'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['report_id'], ['milestone_reports.id'], name=op.f('fk_report_kpi_values_report_id_milestone_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_kpi_values')),
    sa.UniqueConstraint('report_id', 'kpi_id', name=op.f('uq_report_kpi_values_report_id_kpi_id'))
    )
    with op.batch_alter_table('report_kpi_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_kpi_values_kpi_id'), ['kpi_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_kpi_values_report_id'), ['report_id'], unique=False)

    op.create_table('report_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('assigned', 'submitted', 'recused', name='report_review_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('recuse_reason', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(state = 'submitted') = (submitted_at IS NOT NULL)", name=op.f('ck_report_reviews_submitted_has_time')),
    sa.CheckConstraint("state != 'recused' OR length(recuse_reason) > 0", name=op.f('ck_report_reviews_recusal_has_reason')),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_report_reviews_expert_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['report_id'], ['milestone_reports.id'], name=op.f('fk_report_reviews_report_id_milestone_reports'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_reviews')),
    sa.UniqueConstraint('report_id', 'expert_id', name=op.f('uq_report_reviews_report_id_expert_id'))
    )
    with op.batch_alter_table('report_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_reviews_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_reviews_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_reviews_state'), ['state'], unique=False)

    op.create_table('report_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('criterion', sa.String(length=32), nullable=False),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_report_ratings_score_range')),
    sa.ForeignKeyConstraint(['review_id'], ['report_reviews.id'], name=op.f('fk_report_ratings_review_id_report_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_ratings')),
    sa.UniqueConstraint('review_id', 'criterion', name=op.f('uq_report_ratings_review_id_criterion'))
    )
    with op.batch_alter_table('report_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_ratings_review_id'), ['review_id'], unique=False)



def downgrade():
    with op.batch_alter_table('report_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_ratings_review_id'))

    op.drop_table('report_ratings')
    with op.batch_alter_table('report_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_reviews_state'))
        batch_op.drop_index(batch_op.f('ix_report_reviews_report_id'))
        batch_op.drop_index(batch_op.f('ix_report_reviews_expert_id'))

    op.drop_table('report_reviews')
    with op.batch_alter_table('report_kpi_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_kpi_values_report_id'))
        batch_op.drop_index(batch_op.f('ix_report_kpi_values_kpi_id'))

    op.drop_table('report_kpi_values')
    with op.batch_alter_table('report_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_attachments_report_id'))

    op.drop_table('report_attachments')
    with op.batch_alter_table('milestone_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_milestone_reports_state'))
        batch_op.drop_index(batch_op.f('ix_milestone_reports_milestone_id'))

    op.drop_table('milestone_reports')
    with op.batch_alter_table('acceptance_kpi_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acceptance_kpi_results_kpi_id'))
        batch_op.drop_index(batch_op.f('ix_acceptance_kpi_results_acceptance_id'))

    op.drop_table('acceptance_kpi_results')
    with op.batch_alter_table('acceptance_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_acceptance_attachments_acceptance_id'))

    op.drop_table('acceptance_attachments')
    with op.batch_alter_table('race_outcomes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_race_outcomes_decision_id'))

    op.drop_table('race_outcomes')
    op.drop_table('project_terminations')
    with op.batch_alter_table('project_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_reminders_project_id'))

    op.drop_table('project_reminders')
    with op.batch_alter_table('project_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_milestones_state'))
        batch_op.drop_index(batch_op.f('ix_project_milestones_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_milestones_due_on'))

    op.drop_table('project_milestones')
    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_members_project_id'))
        batch_op.drop_index(batch_op.f('ix_project_members_organisation_id'))

    op.drop_table('project_members')
    with op.batch_alter_table('project_kpis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_kpis_project_id'))

    op.drop_table('project_kpis')
    op.drop_table('project_extensions')
    op.drop_table('project_acceptances')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_state'))
        batch_op.drop_index(batch_op.f('ix_projects_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_projects_challenge_id'))

    op.drop_table('projects')
    op.drop_table('race_decisions')

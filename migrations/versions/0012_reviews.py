"""reviews: expert review rounds, scorecards, recorded draws, expert reviews and
ratings, awards, result publicity (揭榜结果公示) and objections (stages 5-6, rules 11-14)

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02 01:06:41.290937

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_publicities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('working_days', sa.Integer(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_review_publicities_window_positive')),
    sa.CheckConstraint('working_days >= 1', name=op.f('ck_review_publicities_working_days_positive')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_review_publicities_challenge_id_challenges'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['corrects_id'], ['review_publicities.id'], name=op.f('fk_review_publicities_corrects_id_review_publicities')),
    sa.ForeignKeyConstraint(['document_id'], ['issued_documents.id'], name=op.f('fk_review_publicities_document_id_issued_documents'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_review_publicities_issued_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_publicities')),
    sa.UniqueConstraint('corrects_id', name=op.f('uq_review_publicities_corrects_id')),
    sa.UniqueConstraint('document_id', name=op.f('uq_review_publicities_document_id'))
    )
    with op.batch_alter_table('review_publicities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_publicities_challenge_id'), ['challenge_id'], unique=False)

    op.create_table('review_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('panel_size', sa.Integer(), nullable=False),
    sa.Column('scoring_deadline_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('panel_size >= 1 AND panel_size <= 25', name=op.f('ck_review_rounds_panel_size_range')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_review_rounds_challenge_id_challenges'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_review_rounds_created_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_rounds')),
    sa.UniqueConstraint('challenge_id', name=op.f('uq_review_rounds_challenge_id'))
    )
    op.create_table('review_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('rank_at_award', sa.Integer(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('awarded_at', sa.DateTime(), nullable=False),
    sa.Column('awarded_by_id', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_reason', sa.Text(), nullable=True),
    sa.CheckConstraint('(revoked_at IS NULL) = (revoked_reason IS NULL)', name=op.f('ck_review_awards_revoked_has_reason')),
    sa.CheckConstraint('rank_at_award >= 1', name=op.f('ck_review_awards_rank_positive')),
    sa.ForeignKeyConstraint(['awarded_by_id'], ['users.id'], name=op.f('fk_review_awards_awarded_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_review_awards_bid_id_bids'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_review_awards_round_id_review_rounds'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_awards')),
    sa.UniqueConstraint('bid_id', name=op.f('uq_review_awards_bid_id'))
    )
    with op.batch_alter_table('review_awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_awards_round_id'), ['round_id'], unique=False)

    op.create_table('review_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_score >= 1 AND max_score <= 100', name=op.f('ck_review_criteria_max_score_range')),
    sa.CheckConstraint('weight >= 1 AND weight <= 100', name=op.f('ck_review_criteria_weight_range')),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_review_criteria_round_id_review_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_criteria')),
    sa.UniqueConstraint('round_id', 'name', name=op.f('uq_review_criteria_round_id_name')),
    sa.UniqueConstraint('round_id', 'position', name=op.f('uq_review_criteria_round_id_position'))
    )
    with op.batch_alter_table('review_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_criteria_round_id'), ['round_id'], unique=False)

    op.create_table('review_draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('initial', 'replacement', name='review_draw_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('bid_ids_json', sa.Text(), nullable=False),
    sa.Column('candidates_json', sa.Text(), nullable=False),
    sa.Column('exclusions_json', sa.Text(), nullable=False),
    sa.Column('selected_json', sa.Text(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(), nullable=False),
    sa.Column('drawn_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("(kind = 'initial') = (sequence = 1)", name=op.f('ck_review_draws_initial_first')),
    sa.CheckConstraint('sequence >= 1', name=op.f('ck_review_draws_sequence_positive')),
    sa.CheckConstraint('size >= 1', name=op.f('ck_review_draws_size_positive')),
    sa.ForeignKeyConstraint(['drawn_by_id'], ['users.id'], name=op.f('fk_review_draws_drawn_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_review_draws_round_id_review_rounds'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_draws')),
    sa.UniqueConstraint('round_id', 'sequence', name=op.f('uq_review_draws_round_id_sequence'))
    )
    with op.batch_alter_table('review_draws', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_draws_round_id'), ['round_id'], unique=False)

    op.create_table('expert_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('bid_id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('draw_id', sa.Integer(), nullable=False),
    sa.Column('replaces_review_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('assigned', 'scoring', 'submitted', 'recused', 'declined', name='expert_review_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('conflict_confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('recusal_reason', sa.Text(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('due_reminded_at', sa.DateTime(), nullable=True),
    sa.Column('overdue_reminded_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("(state = 'submitted') = (submitted_at IS NOT NULL)", name=op.f('ck_expert_reviews_submitted_has_time')),
    sa.CheckConstraint("(state IN ('recused', 'declined')) = (recusal_reason IS NOT NULL)", name=op.f('ck_expert_reviews_vacated_has_reason')),
    sa.CheckConstraint("state IN ('assigned', 'recused', 'declined') OR conflict_confirmed_at IS NOT NULL", name=op.f('ck_expert_reviews_scoring_after_confirmation')),
    sa.ForeignKeyConstraint(['bid_id'], ['bids.id'], name=op.f('fk_expert_reviews_bid_id_bids'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['draw_id'], ['review_draws.id'], name=op.f('fk_expert_reviews_draw_id_review_draws'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_expert_reviews_expert_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['replaces_review_id'], ['expert_reviews.id'], name=op.f('fk_expert_reviews_replaces_review_id_expert_reviews')),
    sa.ForeignKeyConstraint(['round_id'], ['review_rounds.id'], name=op.f('fk_expert_reviews_round_id_review_rounds'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expert_reviews')),
    sa.UniqueConstraint('bid_id', 'expert_id', name=op.f('uq_expert_reviews_bid_id_expert_id')),
    sa.UniqueConstraint('replaces_review_id', name=op.f('uq_expert_reviews_replaces_review_id'))
    )
    with op.batch_alter_table('expert_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expert_reviews_bid_id'), ['bid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_reviews_draw_id'), ['draw_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_reviews_expert_id'), ['expert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_reviews_round_id'), ['round_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expert_reviews_state'), ['state'], unique=False)

    op.create_table('review_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('publicity_id', sa.Integer(), nullable=False),
    sa.Column('challenge_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('open', 'sustained', 'dismissed', name='objection_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('attachment_name', sa.String(length=200), nullable=True),
    sa.Column('attachment_sha256', sa.String(length=64), nullable=True),
    sa.Column('attachment_size', sa.Integer(), nullable=True),
    sa.Column('attachment_type', sa.String(length=100), nullable=True),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('handling', sa.Text(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_award_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(state = 'open') = (resolved_at IS NULL)", name=op.f('ck_review_objections_resolved_has_time')),
    sa.CheckConstraint("state = 'open' OR length(handling) > 0", name=op.f('ck_review_objections_resolved_has_handling')),
    sa.CheckConstraint('attachment_sha256 IS NULL OR length(attachment_sha256) = 64', name=op.f('ck_review_objections_attachment_sha256_length')),
    sa.CheckConstraint('length(name) > 0 AND length(phone) > 0 AND length(organisation) > 0', name=op.f('ck_review_objections_real_name')),
    sa.ForeignKeyConstraint(['challenge_id'], ['challenges.id'], name=op.f('fk_review_objections_challenge_id_challenges'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['publicity_id'], ['review_publicities.id'], name=op.f('fk_review_objections_publicity_id_review_publicities'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_review_objections_resolved_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['revoked_award_id'], ['review_awards.id'], name=op.f('fk_review_objections_revoked_award_id_review_awards'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_objections')),
    sa.UniqueConstraint('revoked_award_id', name=op.f('uq_review_objections_revoked_award_id'))
    )
    with op.batch_alter_table('review_objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_objections_challenge_id'), ['challenge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_objections_publicity_id'), ['publicity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_objections_state'), ['state'], unique=False)

    op.create_table('review_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 100)', name=op.f('ck_review_ratings_score_range')),
    sa.ForeignKeyConstraint(['criterion_id'], ['review_criteria.id'], name=op.f('fk_review_ratings_criterion_id_review_criteria'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['review_id'], ['expert_reviews.id'], name=op.f('fk_review_ratings_review_id_expert_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_ratings')),
    sa.UniqueConstraint('review_id', 'criterion_id', name=op.f('uq_review_ratings_review_id_criterion_id'))
    )
    with op.batch_alter_table('review_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_ratings_criterion_id'), ['criterion_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_ratings_review_id'), ['review_id'], unique=False)



def downgrade():
    with op.batch_alter_table('review_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_ratings_review_id'))
        batch_op.drop_index(batch_op.f('ix_review_ratings_criterion_id'))

    op.drop_table('review_ratings')
    with op.batch_alter_table('review_objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_objections_state'))
        batch_op.drop_index(batch_op.f('ix_review_objections_publicity_id'))
        batch_op.drop_index(batch_op.f('ix_review_objections_challenge_id'))

    op.drop_table('review_objections')
    with op.batch_alter_table('expert_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expert_reviews_state'))
        batch_op.drop_index(batch_op.f('ix_expert_reviews_round_id'))
        batch_op.drop_index(batch_op.f('ix_expert_reviews_expert_id'))
        batch_op.drop_index(batch_op.f('ix_expert_reviews_draw_id'))
        batch_op.drop_index(batch_op.f('ix_expert_reviews_bid_id'))

    op.drop_table('expert_reviews')
    with op.batch_alter_table('review_draws', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_draws_round_id'))

    op.drop_table('review_draws')
    with op.batch_alter_table('review_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_criteria_round_id'))

    op.drop_table('review_criteria')
    with op.batch_alter_table('review_awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_awards_round_id'))

    op.drop_table('review_awards')
    op.drop_table('review_rounds')
    with op.batch_alter_table('review_publicities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_publicities_challenge_id'))

    op.drop_table('review_publicities')

"""bids integrity: non-guessable public ids of bids and attachments, the bid's edit
revision (lost-update check), one 揭榜申报书 per submitted version

Existing bids and attachments get a random public id; URLs with integer ids stop
working (they were guessable).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 10:00:00.000000

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLES = ('bids', 'bid_attachments')


def _fill_public_ids(table: str) -> None:
    bind = op.get_bind()
    rows = sa.table(table, sa.column('id', sa.Integer), sa.column('public_id', sa.String))
    for (row_id,) in bind.execute(sa.select(rows.c.id)).all():
        bind.execute(sa.update(rows).where(rows.c.id == row_id).values(public_id=secrets.token_urlsafe(16)))


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('public_id', sa.String(length=22), nullable=True))
        _fill_public_ids(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('public_id', existing_type=sa.String(length=22), nullable=False)
            batch_op.create_unique_constraint(batch_op.f(f'uq_{table}_public_id'), ['public_id'])
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_public_id_length'),
                                             'length(public_id) = 22')
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_bids_revision_non_negative'), 'revision >= 0')

    op.create_table(
        'bid_summaries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bid_version_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['bid_version_id'], ['bid_versions.id'],
                                name=op.f('fk_bid_summaries_bid_version_id_bid_versions'), ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['document_id'], ['issued_documents.id'],
                                name=op.f('fk_bid_summaries_document_id_issued_documents'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_summaries')),
        sa.UniqueConstraint('bid_version_id', name=op.f('uq_bid_summaries_bid_version_id')),
        sa.UniqueConstraint('document_id', name=op.f('uq_bid_summaries_document_id')),
    )


def downgrade():
    op.drop_table('bid_summaries')
    with op.batch_alter_table('bids', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_bids_revision_non_negative'), type_='check')
        batch_op.drop_column('revision')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_public_id_length'), type_='check')
            batch_op.drop_constraint(batch_op.f(f'uq_{table}_public_id'), type_='unique')
            batch_op.drop_column('public_id')

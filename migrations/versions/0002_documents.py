"""documents: issued official documents and their per-issuer number counters

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 22:40:09.788062

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('next_seq', sa.Integer(), nullable=False),
    sa.CheckConstraint('next_seq >= 1', name=op.f('ck_document_counters_next_seq_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_counters')),
    sa.UniqueConstraint('issuer', 'year', name=op.f('uq_document_counters_issuer_year'))
    )

    op.create_table('issued_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=64), nullable=False),
    sa.Column('issuer', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('addressee', sa.String(length=300), nullable=True),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('is_joint', sa.Boolean(), nullable=False),
    sa.Column('subject_type', sa.String(length=64), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=False),
    sa.Column('verify_code', sa.String(length=32), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(subject_type IS NULL) = (subject_id IS NULL)', name=op.f('ck_issued_documents_subject_complete')),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_issued_documents_sha256_length')),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_issued_documents_seq_positive')),
    sa.CheckConstraint('size_bytes > 0', name=op.f('ck_issued_documents_size_positive')),
    sa.ForeignKeyConstraint(['corrects_id'], ['issued_documents.id'], name=op.f('fk_issued_documents_corrects_id_issued_documents'), initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_issued_documents_issued_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents')),
    sa.UniqueConstraint('issuer', 'year', 'seq', name=op.f('uq_issued_documents_issuer_year_seq')),
    sa.UniqueConstraint('number', name=op.f('uq_issued_documents_number')),
    sa.UniqueConstraint('sha256', name=op.f('uq_issued_documents_sha256')),
    sa.UniqueConstraint('verify_code', name=op.f('uq_issued_documents_verify_code'))
    )

    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_documents_corrects_id'), ['corrects_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_doc_type'), ['doc_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_issued_by_id'), ['issued_by_id'], unique=False)
        batch_op.create_index('ix_issued_documents_subject', ['subject_type', 'subject_id'], unique=False)


def downgrade():
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_issued_documents_subject')
        batch_op.drop_index(batch_op.f('ix_issued_documents_issued_by_id'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_doc_type'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_corrects_id'))

    op.drop_table('issued_documents')

    op.drop_table('document_counters')

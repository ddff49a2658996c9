"""core: audit hash chain, append-only triggers, outbox, notifications, job locks

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 00:21:05.802049

"""
from datetime import datetime, timezone
from types import SimpleNamespace

from alembic import op
import sqlalchemy as sa

from app.core.append_only import APPEND_ONLY_TABLES, create_triggers, drop_statements
from app.core.audit import GENESIS, chain_hash


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('height', sa.BigInteger(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.create_table('job_locks',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=True),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_locks'))
    )
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('payload_json', sa.Text(), nullable=False),
    sa.Column('recipients_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_messages_attempts_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_due', ['sent_at', 'next_attempt_at'], unique=False)

    op.create_table('field_follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_field_follows_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_field_follows')),
    sa.UniqueConstraint('organisation_id', 'field', name=op.f('uq_field_follows_organisation_id_field'))
    )
    with op.batch_alter_table('field_follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_follows_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_field_follows_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('notification_optouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_optouts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_optouts')),
    sa.UniqueConstraint('user_id', 'category', name=op.f('uq_notification_optouts_user_id_category'))
    )
    with op.batch_alter_table('notification_optouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_optouts_user_id'), ['user_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('outbox_id', 'user_id', name=op.f('uq_notifications_outbox_id_user_id'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('ip_address', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('height', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))

    _chain_existing_events()

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('height', existing_type=sa.BigInteger(), nullable=False)
        batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f('ix_audit_events_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_hash'), ['hash'])
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_height'), ['height'])
        batch_op.create_unique_constraint(batch_op.f('uq_audit_events_prev_hash'), ['prev_hash'])
        batch_op.create_check_constraint('height_positive', 'height >= 1')
        batch_op.create_check_constraint('hash_length', 'length(hash) = 64 AND length(prev_hash) = 64')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=8), nullable=True))

    conn = op.get_bind()
    for table in APPEND_ONLY_TABLES:
        create_triggers(conn, table)


def _chain_existing_events():
    """Events recorded before the chain existed are chained in id order."""
    conn = op.get_bind()
    events = sa.table('audit_events', *(sa.column(c) for c in (
        'id', 'entity_type', 'entity_id', 'action', 'from_state', 'to_state', 'actor_id', 'actor_role',
        'organisation_id', 'reason', 'data_json', 'request_id', 'ip_address', 'created_at',
        'height', 'prev_hash', 'hash')))
    rows = conn.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    prev = GENESIS
    for height, row in enumerate(rows, start=1):
        created = row['created_at']
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        event = SimpleNamespace(**{**row, 'height': height, 'created_at': created.replace(tzinfo=timezone.utc)})
        digest = chain_hash(prev, event)
        conn.execute(events.update().where(events.c.id == row['id'])
                     .values(height=height, prev_hash=prev, hash=digest))
        prev = digest
    head = sa.table('audit_chain_head', sa.column('id'), sa.column('height'), sa.column('head_hash'))
    conn.execute(head.insert().values(id=1, height=len(rows), head_hash=prev))


def downgrade():
    conn = op.get_bind()
    for table in APPEND_ONLY_TABLES:
        for statement in drop_statements(conn.dialect.name, table):
            conn.execute(sa.text(statement))
    if conn.dialect.name == 'postgresql':
        conn.execute(sa.text('DROP FUNCTION IF EXISTS jiebang_append_only()'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint('hash_length', type_='check')
        batch_op.drop_constraint('height_positive', type_='check')
        batch_op.drop_constraint(batch_op.f('uq_audit_events_prev_hash'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_audit_events_height'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_audit_events_hash'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_audit_events_organisation_id'))
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('height')
        batch_op.drop_column('ip_address')
        batch_op.drop_column('request_id')
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')

    op.drop_table('notifications')
    with op.batch_alter_table('notification_optouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_optouts_user_id'))

    op.drop_table('notification_optouts')
    with op.batch_alter_table('field_follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_follows_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_field_follows_field'))

    op.drop_table('field_follows')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_due')

    op.drop_table('outbox_messages')
    op.drop_table('job_locks')
    op.drop_table('audit_chain_head')

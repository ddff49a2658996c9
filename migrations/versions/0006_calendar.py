"""calendar: entered official holiday schedule per year (calendar_years, calendar_days)

Administrators enter each year's State Council holiday notice; a complete year takes
precedence over the chinesecalendar package when counting working days.

Revision ID: 0006
Revises: 0004 (re-chained by the lead at merge)
Create Date: 2026-12-02 00:18:03.695003

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_years',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'complete', name='calendar_year_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("(state = 'complete') = (completed_at IS NOT NULL AND completed_by_id IS NOT NULL)", name=op.f('ck_calendar_years_complete_has_time')),
    sa.CheckConstraint("state <> 'complete' OR length(source) > 0", name=op.f('ck_calendar_years_complete_has_source')),
    sa.CheckConstraint('year >= 2000 AND year <= 2099', name=op.f('ck_calendar_years_year_range')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_calendar_years_completed_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calendar_years_created_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_years')),
    sa.UniqueConstraint('year', name=op.f('uq_calendar_years_year'))
    )
    op.create_table('calendar_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('holiday', 'workday', name='calendar_day_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_calendar_days_has_name')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_calendar_days_entered_by_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['year_id'], ['calendar_years.id'], name=op.f('fk_calendar_days_year_id_calendar_years'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_days')),
    sa.UniqueConstraint('day', name=op.f('uq_calendar_days_day'))
    )
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_days_year_id'), ['year_id'], unique=False)



def downgrade():
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_days_year_id'))

    op.drop_table('calendar_days')
    op.drop_table('calendar_years')

"""security: per-user session token (revocable sessions and remember-me cookies)

Sessions and remember-me cookies issued before this revision carry a plain user id
and are refused by the new format; existing users get their token at their next login.

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-23 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')

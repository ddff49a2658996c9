"""challenges ux: decimal policy values (ratios such as 1.5:1); draft KPI rows without a
target; removed demand attachments kept (they count against the demand's quota)

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02 01:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('policy_settings', schema=None) as batch_op:
        batch_op.alter_column('value', existing_type=sa.BigInteger(), type_=sa.Numeric(20, 4),
                              existing_nullable=False)
        batch_op.create_check_constraint('value_non_negative', 'value >= 0')
    with op.batch_alter_table('challenge_kpis', schema=None) as batch_op:
        batch_op.alter_column('target_value', existing_type=sa.Numeric(20, 6), nullable=True)
    with op.batch_alter_table('demand_attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('removed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_demand_attachments_removed_by_id_users'), 'users',
                                    ['removed_by_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint('removal_complete', '(removed_at IS NULL) = (removed_by_id IS NULL)')


def downgrade():
    # Removed attachments did not exist before this revision: drop their rows.
    op.execute("DELETE FROM demand_attachments WHERE removed_at IS NOT NULL")
    with op.batch_alter_table('demand_attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_demand_attachments_removal_complete'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_demand_attachments_removed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('removed_by_id')
        batch_op.drop_column('removed_at')
    # A draft's half-filled KPI row gets a target of 0 (the bureau still has to set it).
    op.execute("UPDATE challenge_kpis SET target_value = 0 WHERE target_value IS NULL")
    with op.batch_alter_table('challenge_kpis', schema=None) as batch_op:
        batch_op.alter_column('target_value', existing_type=sa.Numeric(20, 6), nullable=False)
    # A fractional ratio cannot be kept as an integer: round it (1.5 -> 2, the stricter value).
    op.execute("UPDATE policy_settings SET value = CEIL(value) WHERE value <> ROUND(value)"
               if op.get_bind().dialect.name == "postgresql" else
               "UPDATE policy_settings SET value = CAST(value AS INTEGER) + 1 "
               "WHERE value <> CAST(value AS INTEGER)")
    with op.batch_alter_table('policy_settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_policy_settings_value_non_negative'), type_='check')
        batch_op.alter_column('value', existing_type=sa.Numeric(20, 4), type_=sa.BigInteger(),
                              existing_nullable=False)

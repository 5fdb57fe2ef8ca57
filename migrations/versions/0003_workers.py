"""workers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 03:36:50.099630

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed by hand against the models.
    op.create_table('workers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('membership_number', sa.String(length=11), nullable=False),
    sa.Column('full_name', sa.String(length=160), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('gender', sa.String(length=1), nullable=False),
    sa.Column('phone', sa.String(length=16), nullable=False),
    sa.Column('occupation', sa.String(length=40), nullable=False),
    sa.Column('sector', sa.String(length=10), nullable=False),
    sa.Column('income_level', sa.Integer(), nullable=False),
    sa.Column('has_jht', sa.Boolean(), nullable=False),
    sa.Column('funding', sa.String(length=8), nullable=False),
    sa.Column('village_code', sa.String(length=13), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('beneficiary_name', sa.String(length=160), nullable=False),
    sa.Column('beneficiary_relationship', sa.String(length=40), nullable=False),
    sa.Column('beneficiary_phone', sa.String(length=16), nullable=True),
    sa.Column('consent_notice_version', sa.String(length=40), nullable=False),
    sa.Column('consent_given_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('consent_withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lat', sa.Double(), nullable=True),
    sa.Column('lon', sa.Double(), nullable=True),
    sa.Column('accuracy_m', sa.Double(), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('managed_by_id', sa.Integer(), nullable=True),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('first_paid_month', sa.CHAR(length=7), nullable=True),
    sa.Column('covered_until', sa.CHAR(length=7), nullable=True),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branches.id'], name=op.f('fk_workers_branch_id_branches')),
    sa.ForeignKeyConstraint(['managed_by_id'], ['agents.id'], name=op.f('fk_workers_managed_by_id_agents')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['agents.id'], name=op.f('fk_workers_registered_by_id_agents')),
    sa.ForeignKeyConstraint(['village_code'], ['regions.code'], name=op.f('fk_workers_village_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workers')),
    sa.UniqueConstraint('membership_number', name=op.f('uq_workers_membership_number')),
    sa.UniqueConstraint('nik', name=op.f('uq_workers_nik'))
    )
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workers_branch_id'), ['branch_id'], unique=False)
        batch_op.create_index('ix_workers_branch_id_covered_until', ['branch_id', 'covered_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_workers_full_name'), ['full_name'], unique=False)
        batch_op.create_index('ix_workers_managed_by_id_covered_until', ['managed_by_id', 'covered_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_workers_phone'), ['phone'], unique=False)
        batch_op.create_index(batch_op.f('ix_workers_registered_by_id'), ['registered_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workers_village_code'), ['village_code'], unique=False)



def downgrade():
    # Reviewed by hand against the models.
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workers_village_code'))
        batch_op.drop_index(batch_op.f('ix_workers_registered_by_id'))
        batch_op.drop_index(batch_op.f('ix_workers_phone'))
        batch_op.drop_index('ix_workers_managed_by_id_covered_until')
        batch_op.drop_index(batch_op.f('ix_workers_full_name'))
        batch_op.drop_index('ix_workers_branch_id_covered_until')
        batch_op.drop_index(batch_op.f('ix_workers_branch_id'))

    op.drop_table('workers')

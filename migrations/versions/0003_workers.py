"""workers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 03:36:50.099630

"""
import csv
from pathlib import Path

from alembic import op
import sqlalchemy as sa

OCCUPATIONS_CSV = Path(__file__).parents[2] / "perisai" / "workers" / "data" / "occupations.csv"


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed by hand against the models.
    occupations = op.create_table('occupations',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label_id', sa.String(length=80), nullable=False),
    sa.Column('label_en', sa.String(length=80), nullable=False),
    sa.Column('sector', sa.String(length=10), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_occupations'))
    )
    # Seed data: the occupation list that ships with this revision (an admin may change it).
    with OCCUPATIONS_CSV.open(encoding="utf-8") as handle:
        op.bulk_insert(occupations, [{**row, "is_active": True} for row in csv.DictReader(handle)])
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

    op.create_table('worker_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_worker_photos_uploaded_by_id_users')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_worker_photos_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worker_photos')),
    sa.UniqueConstraint('worker_id', 'kind', name=op.f('uq_worker_photos_worker_id'))
    )



def downgrade():
    # Reviewed by hand against the models.
    op.drop_table('worker_photos')
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workers_village_code'))
        batch_op.drop_index(batch_op.f('ix_workers_registered_by_id'))
        batch_op.drop_index(batch_op.f('ix_workers_phone'))
        batch_op.drop_index('ix_workers_managed_by_id_covered_until')
        batch_op.drop_index(batch_op.f('ix_workers_full_name'))
        batch_op.drop_index('ix_workers_branch_id_covered_until')
        batch_op.drop_index(batch_op.f('ix_workers_branch_id'))

    op.drop_table('workers')
    op.drop_table('occupations')

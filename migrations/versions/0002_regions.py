"""regions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:36:48.257078

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed by hand against the models.
    op.create_table('regions',
    sa.Column('code', sa.String(length=13), nullable=False),
    sa.Column('parent_code', sa.String(length=13), nullable=True),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('is_current', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regions'))
    )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regions_parent_code'), ['parent_code'], unique=False)



def downgrade():
    # Reviewed by hand against the models.
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regions_parent_code'))

    op.drop_table('regions')

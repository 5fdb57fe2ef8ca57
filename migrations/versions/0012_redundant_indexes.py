"""drop two indexes that longer ones already cover

Revision ID: 0012
Revises: 0011
ix_workers_branch_id is the prefix of ix_workers_branch_id_covered_until, and ix_payments_paid_on
of ix_payments_paid_on_branch_id: every query they served, the longer index serves. Each index is
written on every insert, and on every update of an indexed column (a payment moves the
participant's covered_until, so all of workers' indexes get a new entry): fewer is faster sync.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workers") as batch_op:
        batch_op.drop_index("ix_workers_branch_id")
    with op.batch_alter_table("payments") as batch_op:
        batch_op.drop_index("ix_payments_paid_on")


def downgrade():
    with op.batch_alter_table("payments") as batch_op:
        batch_op.create_index("ix_payments_paid_on", ["paid_on"], unique=False)
    with op.batch_alter_table("workers") as batch_op:
        batch_op.create_index("ix_workers_branch_id", ["branch_id"], unique=False)

"""workers: the day the agent took the registration

Revision ID: 0017
Revises: 0016
A payment may not be dated before the participant's registration (issue 15). The server's
insert time is not that day for a phone that was offline: a participant registered and paid on
Monday and synced on Thursday had Monday's payment refused. The phone now sends the day it took
the registration; existing participants get the day they were stored, in WIB (the zone every
branch ran on before 0014).
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workers") as batch_op:
        batch_op.add_column(sa.Column("registered_on", sa.Date(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE workers SET registered_on = (created_at AT TIME ZONE 'Asia/Jakarta')::date"
        )
    else:
        op.execute("UPDATE workers SET registered_on = date(created_at, '+7 hours')")
    with op.batch_alter_table("workers") as batch_op:
        batch_op.alter_column("registered_on", existing_type=sa.Date(), nullable=False)


def downgrade():
    with op.batch_alter_table("workers") as batch_op:
        batch_op.drop_column("registered_on")

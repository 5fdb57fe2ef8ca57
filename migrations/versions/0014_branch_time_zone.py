"""branches: the time zone that decides the branch's "today"

Revision ID: 0014
Revises: 0013
DOMAIN.md §7: today, a contribution month and a commission month are decided in the branch's
zone (WIB, WITA or WIT), never the server's. Every existing branch was run on WIB, so that is
the default; an administrator sets WITA or WIT for branches east of it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("branches") as batch_op:
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=4), server_default="WIB", nullable=False)
        )
        batch_op.create_check_constraint("time_zone", "time_zone IN ('WIB', 'WITA', 'WIT')")


def downgrade():
    with op.batch_alter_table("branches") as batch_op:
        batch_op.drop_constraint("time_zone", type_="check")
        batch_op.drop_column("time_zone")

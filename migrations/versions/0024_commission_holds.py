"""commission holds: incentive on cash still in the agent's custody is held at close

Revision ID: 0024
Revises: 0023
Issue 20 (DOMAIN.md §8): the incentive computed on a cash payment the bank has not confirmed
yet is held at the month's close and released by the first close after the cash is settled;
a reversal first cancels the hold (and its claw-back is held too). One row per held ledger
entry, written by the close in bulk like the entries (so no foreign keys, as there); a
posting records whether its payment was unsettled cash when posted. The statements keep what
their close held and released; statements and postings from before this revision held
nothing (their cash was taken as settled by 0023), hence the defaults. Downgrade drops the
table and the three columns (what is still held is then paid with nothing to show it was).
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

OPEN = "released_month IS NULL AND cancelled_month IS NULL"
RELEASED = "released_month IS NOT NULL"


def upgrade():
    op.create_table(
        "commission_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("wadah_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.String(length=36), nullable=True),
        sa.Column("month", sa.CHAR(length=7), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("released_month", sa.CHAR(length=7), nullable=True),
        sa.Column("cancelled_month", sa.CHAR(length=7), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_holds")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_commission_holds_entry_id")),
    )
    op.create_index(
        "ix_commission_holds_month_branch_id", "commission_holds", ["month", "branch_id"]
    )
    op.create_index(
        "ix_commission_holds_open",
        "commission_holds",
        ["agent_id"],
        postgresql_where=sa.text(OPEN),
        sqlite_where=sa.text(OPEN),
    )
    op.create_index(
        "ix_commission_holds_released_month",
        "commission_holds",
        ["released_month", "agent_id"],
        postgresql_where=sa.text(RELEASED),
        sqlite_where=sa.text(RELEASED),
    )
    # A posting says whether its payment was unsettled cash when posted, so the close finds
    # what to hold among the month's few such postings (a partial index), not by looking up
    # every payment of the month again.
    with op.batch_alter_table("commission_postings") as batch_op:
        batch_op.add_column(
            sa.Column("is_unsettled_cash", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_index(
        "ix_commission_postings_unsettled_month",
        "commission_postings",
        ["month", "branch_id"],
        postgresql_where=sa.text("is_unsettled_cash"),
        sqlite_where=sa.text("is_unsettled_cash"),
    )
    with op.batch_alter_table("commission_statements") as batch_op:
        batch_op.add_column(sa.Column("held", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("released", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("commission_statements") as batch_op:
        batch_op.drop_column("released")
        batch_op.drop_column("held")
    op.drop_index("ix_commission_postings_unsettled_month", table_name="commission_postings")
    with op.batch_alter_table("commission_postings") as batch_op:
        batch_op.drop_column("is_unsettled_cash")
    op.drop_index("ix_commission_holds_released_month", table_name="commission_holds")
    op.drop_index("ix_commission_holds_open", table_name="commission_holds")
    op.drop_index("ix_commission_holds_month_branch_id", table_name="commission_holds")
    op.drop_table("commission_holds")

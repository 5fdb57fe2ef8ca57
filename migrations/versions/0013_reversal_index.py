"""commission entries: index reversals by the entry they undo

Revision ID: 0013
Revises: 0012
Whether a participant's acquisition still stands asks for a reversal of that entry. Without an
index PostgreSQL hashed every acquisition entry ever written for each running estimate (the
leaderboard's commission column): 250 ms for one branch that had closed its months. Reversals
are few, so the partial index is small and costs nothing on the close's million-row inserts.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_commission_entries_reverses_id",
        "commission_entries",
        ["reverses_id"],
        unique=False,
        postgresql_where=sa.text("reverses_id IS NOT NULL"),
        sqlite_where=sa.text("reverses_id IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_commission_entries_reverses_id", table_name="commission_entries")

"""agent status changes: who suspended, reinstated or dismissed an agent, when and why

Revision ID: 0019
Revises: 0018
Issue 17: the supervisor console suspends, reinstates and dismisses agents. `agents.status`
holds only where an agent stands now; a dismissal needs its reason (DOMAIN.md §4: fraud means
immediate dismissal) and the agent page shows the history, so each change is a row here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agent_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("status_from", sa.String(length=12), nullable=False),
        sa.Column("status_to", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reason IS NULL OR reason IN ('no_activity', 'resigned', 'fraud', 'misconduct', "
            "'other')",
            name=op.f("ck_agent_status_changes_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_status_changes_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_agent_status_changes_changed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_status_changes")),
    )
    with op.batch_alter_table("agent_status_changes") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agent_status_changes_agent_id"), ["agent_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("agent_status_changes") as batch_op:
        batch_op.drop_index(batch_op.f("ix_agent_status_changes_agent_id"))
    op.drop_table("agent_status_changes")

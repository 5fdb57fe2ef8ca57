"""reports: monthly rollups per agent/branch/district, their freshness, workforce estimates

Revision ID: 0008
Revises: 0007
Also indexes other features' tables for the report queries (declared in perisai/reports/models.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

MONTH = sa.CHAR(length=7)
COUNTERS = (
    "new_participants",
    "first_payments",
    "active_participants",
    "grace_participants",
    "ended_participants",
    "collected_amount",
)


def _counters(*names):
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def upgrade():
    op.create_table(
        "report_rollup_states",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("month", MONTH, nullable=False),
        sa.Column("is_stale", sa.Boolean(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name="fk_report_rollup_states_branch_id_branches"
        ),
        sa.PrimaryKeyConstraint("branch_id", "month", name="pk_report_rollup_states"),
    )
    op.create_table(
        "report_agent_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("month", MONTH, nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        *_counters(*COUNTERS, "payments_count", "registered_total"),
        *_counters(*(f"{kind}_{n}" for n in (0, 3, 6, 12) for kind in ("acquired", "retained"))),
        sa.Column("last_activity_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name="fk_report_agent_months_agent_id_agents"
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name="fk_report_agent_months_branch_id_branches"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_report_agent_months"),
    )
    op.create_index(
        "ix_report_agent_months_agent_id_month", "report_agent_months", ["agent_id", "month"]
    )
    op.create_index(
        "ix_report_agent_months_branch_id_month", "report_agent_months", ["branch_id", "month"]
    )
    op.create_index("ix_report_agent_months_month", "report_agent_months", ["month"])
    op.create_table(
        "report_branch_months",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("month", MONTH, nullable=False),
        *_counters(*COUNTERS, "registered_total"),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name="fk_report_branch_months_branch_id_branches"
        ),
        sa.PrimaryKeyConstraint("branch_id", "month", name="pk_report_branch_months"),
    )
    op.create_index("ix_report_branch_months_month", "report_branch_months", ["month"])
    op.create_table(
        "report_district_months",
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("month", MONTH, nullable=False),
        sa.Column("district_code", sa.String(length=8), nullable=False),
        sa.Column("registered", sa.Integer(), nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name="fk_report_district_months_branch_id_branches"
        ),
        sa.PrimaryKeyConstraint(
            "branch_id", "month", "district_code", name="pk_report_district_months"
        ),
    )
    op.create_index("ix_report_district_months_month", "report_district_months", ["month"])
    op.create_table(
        "report_workforce_estimates",
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("informal_workers", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name="fk_report_workforce_estimates_updated_by_id_users",
        ),
        sa.PrimaryKeyConstraint("region_code", name="pk_report_workforce_estimates"),
    )
    op.create_index("ix_payments_paid_on_branch_id", "payments", ["paid_on", "branch_id"])
    op.create_index("ix_workers_created_at", "workers", ["created_at"])
    op.create_index(
        "ix_workers_first_paid_month_registered_by_id",
        "workers",
        ["first_paid_month", "registered_by_id"],
    )


def downgrade():
    op.drop_index("ix_workers_first_paid_month_registered_by_id", table_name="workers")
    op.drop_index("ix_workers_created_at", table_name="workers")
    op.drop_index("ix_payments_paid_on_branch_id", table_name="payments")
    op.drop_table("report_workforce_estimates")
    op.drop_index("ix_report_district_months_month", table_name="report_district_months")
    op.drop_table("report_district_months")
    op.drop_index("ix_report_branch_months_month", table_name="report_branch_months")
    op.drop_table("report_branch_months")
    op.drop_index("ix_report_agent_months_month", table_name="report_agent_months")
    op.drop_index("ix_report_agent_months_branch_id_month", table_name="report_agent_months")
    op.drop_index("ix_report_agent_months_agent_id_month", table_name="report_agent_months")
    op.drop_table("report_agent_months")
    op.drop_table("report_rollup_states")

"""commissions: incentive rule sets, ledger, postings, closes, statements, standing flags

Revision ID: 0007
Revises: 0006
Seeds the incentive rules of Perdir 13/PERDIR.02/042022 (DOMAIN.md §4) as rule set 1.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MONTH = sa.CHAR(length=7)
UUID = sa.String(length=36)
TIMESTAMP = sa.DateTime(timezone=True)

SEED_RULE_SET = {
    "id": 1,
    "effective_from": "2022-04",
    "acquisition_fee_with_jht": 15_000,
    "acquisition_fee_basic": 10_000,
    "acquisition_minimum": 25,
    "full_rate_until": 24,
    "full_rate_bp": 1_500,
    "reduced_rate_until": 60,
    "reduced_rate_bp": 500,
    "wadah_bp": 1_000,
    "warning_months": 2,
    "suspend_months": 3,
    "reactivation_months": 6,
    "wadah_below_target_months": 3,
    "source": "Perdir 13/PERDIR.02/042022 (DOMAIN.md §4)",
}


def _fk(table, column, target):
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade():
    rule_sets = op.create_table(
        "commission_rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", MONTH, nullable=False),
        sa.Column("acquisition_fee_with_jht", sa.Integer(), nullable=False),
        sa.Column("acquisition_fee_basic", sa.Integer(), nullable=False),
        sa.Column("acquisition_minimum", sa.Integer(), nullable=False),
        sa.Column("full_rate_until", sa.Integer(), nullable=False),
        sa.Column("full_rate_bp", sa.Integer(), nullable=False),
        sa.Column("reduced_rate_until", sa.Integer(), nullable=False),
        sa.Column("reduced_rate_bp", sa.Integer(), nullable=False),
        sa.Column("wadah_bp", sa.Integer(), nullable=False),
        sa.Column("warning_months", sa.Integer(), nullable=False),
        sa.Column("suspend_months", sa.Integer(), nullable=False),
        sa.Column("reactivation_months", sa.Integer(), nullable=False),
        sa.Column("wadah_below_target_months", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _fk("commission_rule_sets", "created_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_rule_sets")),
    )
    op.create_index(
        op.f("ix_commission_rule_sets_effective_from"),
        "commission_rule_sets",
        ["effective_from"],
        unique=False,
    )
    op.create_table(
        "commission_standing_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", MONTH, nullable=False),
        sa.Column("subject", sa.String(length=24), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("wadah_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        _fk("commission_standing_flags", "agent_id", "agents"),
        _fk("commission_standing_flags", "branch_id", "branches"),
        _fk("commission_standing_flags", "wadah_id", "wadahs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_standing_flags")),
        sa.UniqueConstraint(
            "month", "subject", "kind", name=op.f("uq_commission_standing_flags_month")
        ),
    )
    op.create_index(
        op.f("ix_commission_standing_flags_agent_id"),
        "commission_standing_flags",
        ["agent_id"],
        unique=False,
    )
    op.create_index(
        "ix_commission_standing_flags_branch_id_month",
        "commission_standing_flags",
        ["branch_id", "month"],
        unique=False,
    )
    op.create_table(
        "commission_prior_registrations",
        sa.Column("worker_id", UUID, nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("noted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        _fk("commission_prior_registrations", "noted_by_id", "users"),
        _fk("commission_prior_registrations", "worker_id", "workers"),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_commission_prior_registrations")),
    )
    op.create_table(
        "commission_closes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("month", MONTH, nullable=False),
        sa.Column("rule_set_id", sa.Integer(), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("closed_at", TIMESTAMP, nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        _fk("commission_closes", "branch_id", "branches"),
        _fk("commission_closes", "closed_by_id", "users"),
        _fk("commission_closes", "rule_set_id", "commission_rule_sets"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_closes")),
        sa.UniqueConstraint("branch_id", "month", name=op.f("uq_commission_closes_branch_id")),
    )
    op.create_table(
        "commission_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", MONTH, nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("wadah_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("component", sa.String(length=12), nullable=False),
        sa.Column("worker_id", UUID, nullable=True),
        sa.Column("payment_id", UUID, nullable=True),
        sa.Column("payment_month_id", sa.Integer(), nullable=True),
        sa.Column("covered_month", MONTH, nullable=True),
        sa.Column("month_index", sa.Integer(), nullable=True),
        sa.Column("base_amount", sa.Integer(), nullable=False),
        sa.Column("rate_bp", sa.Integer(), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("rule_set_id", sa.Integer(), nullable=False),
        sa.Column("reverses_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_entries")),
    )
    op.create_index(
        "ix_commission_entries_agent_id_month",
        "commission_entries",
        ["agent_id", "month"],
        unique=False,
    )
    op.create_index(
        "ix_commission_entries_acquired_worker_id",
        "commission_entries",
        ["worker_id"],
        unique=False,
        postgresql_where=sa.text("component = 'acquisition'"),
        sqlite_where=sa.text("component = 'acquisition'"),
    )
    op.create_table(
        "commission_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", MONTH, nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("wadah_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("rule_set_id", sa.Integer(), nullable=False),
        sa.Column("new_participants", sa.Integer(), nullable=False),
        sa.Column("payments", sa.Integer(), nullable=False),
        sa.Column("collected_amount", sa.Integer(), nullable=False),
        sa.Column("acquisition_fee", sa.Integer(), nullable=False),
        sa.Column("collection_fee", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("wadah_fee", sa.Integer(), nullable=False),
        sa.Column("closed_at", TIMESTAMP, nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("transfer_reference", sa.String(length=80), nullable=True),
        sa.Column("paid_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", TIMESTAMP, nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        _fk("commission_statements", "acknowledged_by_id", "users"),
        _fk("commission_statements", "agent_id", "agents"),
        _fk("commission_statements", "branch_id", "branches"),
        _fk("commission_statements", "paid_recorded_by_id", "users"),
        _fk("commission_statements", "rule_set_id", "commission_rule_sets"),
        _fk("commission_statements", "wadah_id", "wadahs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_statements")),
        sa.UniqueConstraint("agent_id", "month", name=op.f("uq_commission_statements_agent_id")),
    )
    op.create_index(
        "ix_commission_statements_branch_id_month",
        "commission_statements",
        ["branch_id", "month"],
        unique=False,
    )
    op.create_index(
        "ix_commission_statements_wadah_id_month",
        "commission_statements",
        ["wadah_id", "month"],
        unique=False,
    )
    op.create_table(
        "commission_postings",
        sa.Column("payment_id", UUID, nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("wadah_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("month", MONTH, nullable=False),
        sa.Column("clawed_back_month", MONTH, nullable=True),
        sa.PrimaryKeyConstraint("payment_id", name=op.f("pk_commission_postings")),
    )
    op.create_index(
        "ix_commission_postings_clawed_back_month",
        "commission_postings",
        ["clawed_back_month"],
        unique=False,
        postgresql_where=sa.text("clawed_back_month IS NOT NULL"),
        sqlite_where=sa.text("clawed_back_month IS NOT NULL"),
    )
    op.create_index(
        "ix_commission_postings_month_branch_id",
        "commission_postings",
        ["month", "branch_id"],
        unique=False,
    )
    now = datetime.now(UTC)
    op.bulk_insert(rule_sets, [{**SEED_RULE_SET, "created_at": now}])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('commission_rule_sets', 'id'), "
            "(SELECT max(id) FROM commission_rule_sets))"
        )


def downgrade():
    op.drop_table("commission_postings")
    op.drop_table("commission_statements")
    op.drop_table("commission_entries")
    op.drop_table("commission_closes")
    op.drop_table("commission_prior_registrations")
    op.drop_table("commission_standing_flags")
    op.drop_table("commission_rule_sets")

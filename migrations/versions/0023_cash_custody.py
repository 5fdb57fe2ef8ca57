"""cash custody: limits, deposits, bank statements; payments carry custodian and settled_at

Revision ID: 0023
Revises: 0022
Issue 20 (DOMAIN.md §8): a cash payment an agent records stays in that agent's custody
(`payments.custodian_id`) until a deposit the bank confirmed settles it (`settled_at`).
Payments stored before this revision are taken as settled when they were recorded: nobody can
tell now which of them reached the bank, and holding them would block every agent at once.
Limits are data with an effective day, seeded with DOMAIN.md's examples (Rp 2.000.000 in hand,
3 days) [U]; the statement formats of the big banks are seeded as assumptions to confirm
against a real export [U]. Downgrade drops the tables and columns (deposits are lost).
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

SEEDED = datetime(2026, 12, 4, tzinfo=UTC)


def upgrade():
    limits = op.create_table(
        "cash_limits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("ceiling", sa.Integer(), nullable=False),
        sa.Column("max_age_days", sa.Integer(), nullable=False),
        sa.Column("match_window_days", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "ceiling >= 0 AND max_age_days >= 0", name=op.f("ck_cash_limits_non_negative")
        ),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"]),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_cash_limits_scope", "cash_limits", ["agent_id", "branch_id", "effective_from"]
    )
    op.bulk_insert(
        limits,
        [
            {
                "effective_from": date(2000, 1, 1),
                "ceiling": 2_000_000,
                "max_age_days": 3,
                "match_window_days": 3,
                "source": "DOMAIN.md §8 examples [U]: Rp 2.000.000 in hand, 3 days",
                "created_at": SEEDED,
            }
        ],
    )
    formats = op.create_table(
        "cash_statement_formats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("date_column", sa.String(length=60), nullable=False),
        sa.Column("reference_column", sa.String(length=60), nullable=False),
        sa.Column("amount_column", sa.String(length=60), nullable=False),
        sa.Column("date_format", sa.String(length=20), nullable=False),
        sa.Column("delimiter", sa.String(length=1), nullable=False),
        sa.Column("decimal_mark", sa.String(length=1), nullable=False),
        sa.Column("skip_rows", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    assumed = "assumed layout of the bank's virtual-account export [U]: confirm with a real file"
    op.bulk_insert(
        formats,
        [
            {
                "code": "standard",
                "name": "CSV date,reference,amount (API.md)",
                "date_column": "date",
                "reference_column": "reference",
                "amount_column": "amount",
                "date_format": "%Y-%m-%d",
                "delimiter": ",",
                "decimal_mark": ".",
                "skip_rows": 0,
                "source": "API.md Cash custody",
            },
            *[
                {
                    "code": code,
                    "name": name,
                    "date_column": date_column,
                    "reference_column": reference_column,
                    "amount_column": amount_column,
                    "date_format": date_format,
                    "delimiter": delimiter,
                    "decimal_mark": decimal_mark,
                    "skip_rows": 0,
                    "source": assumed,
                }
                for code, name, date_column, reference_column, amount_column, date_format,
                delimiter, decimal_mark in (
                    ("bri", "BRI (BRIVA)", "Tanggal", "Keterangan", "Kredit", "%d/%m/%Y", ",", "."),
                    ("bni", "BNI (VA)", "Tanggal", "Keterangan", "Kredit", "%d/%m/%Y", ",", "."),
                    ("mandiri", "Mandiri (MCM)", "Tanggal", "Keterangan", "Kredit", "%d/%m/%Y", ";", ","),
                    ("bca", "BCA (KlikBCA Bisnis)", "Tanggal", "Keterangan", "Mutasi", "%d/%m/%Y", ",", "."),
                )
            ],
        ],
    )
    op.create_table(
        "cash_deposits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("match_key", sa.String(length=60), nullable=False),
        sa.Column("deposited_on", sa.Date(), nullable=False),
        sa.Column("photo_key", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_note", sa.String(length=300), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_cash_deposits_positive")),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"]),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_cash_deposits_agent_id_deposited_on", "cash_deposits", ["agent_id", "deposited_on"]
    )
    op.create_index("ix_cash_deposits_branch_id_state", "cash_deposits", ["branch_id", "state"])
    op.create_index("ix_cash_deposits_match_key", "cash_deposits", ["match_key"])
    op.create_table(
        "cash_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("format_code", sa.String(length=20), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "sha256"),
    )
    op.create_table(
        "cash_statement_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("match_key", sa.String(length=60), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("deposit_id", sa.String(length=36), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_note", sa.String(length=300), nullable=True),
        sa.CheckConstraint(
            "state IN ('unmatched', 'matched', 'paired', 'dismissed', 'duplicate')",
            name=op.f("ck_cash_statement_lines_state"),
        ),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["deposit_id"], ["cash_deposits.id"]),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["statement_id"], ["cash_statements.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_cash_statement_lines_statement_id", "cash_statement_lines", ["statement_id"]
    )
    op.create_index(
        "ix_cash_statement_lines_branch_id_state", "cash_statement_lines", ["branch_id", "state"]
    )
    op.create_index(
        "ix_cash_statement_lines_fingerprint", "cash_statement_lines", ["branch_id", "fingerprint"]
    )
    with op.batch_alter_table("payments") as batch_op:
        batch_op.add_column(sa.Column("custodian_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_payments_custodian_id_agents", "agents", ["custodian_id"], ["id"]
        )
    op.create_index(
        "ix_payments_custodian_id_paid_on",
        "payments",
        ["custodian_id", "paid_on"],
        postgresql_where=sa.text("custodian_id IS NOT NULL"),
        sqlite_where=sa.text("custodian_id IS NOT NULL"),
    )
    op.execute("UPDATE payments SET settled_at = created_at")


def downgrade():
    op.drop_index("ix_payments_custodian_id_paid_on", table_name="payments")
    with op.batch_alter_table("payments") as batch_op:
        batch_op.drop_constraint("fk_payments_custodian_id_agents", type_="foreignkey")
        batch_op.drop_column("settled_at")
        batch_op.drop_column("custodian_id")
    op.drop_table("cash_statement_lines")
    op.drop_table("cash_statements")
    op.drop_table("cash_deposits")
    op.drop_table("cash_statement_formats")
    op.drop_table("cash_limits")

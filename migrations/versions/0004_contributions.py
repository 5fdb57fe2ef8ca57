"""contributions

Revision ID: 0004
Revises: 0003
Rate rules (versioned, seeded with the rules in force), payments and the months they cover,
reversals, sponsors. Written by hand against perisai/contributions/models.py.
"""

from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The rules in force when this revision was written (DOMAIN.md §3). Frozen here on purpose:
# later changes are new rule versions added by an administrator, never an edit of this file.
SEED_RATE_SOURCE = (
    "PP 44/2015 jo. PP 82/2019: JKK 1 %, JKM Rp 6.800, JHT 2 %; "
    "levels Rp 1.000.000–20.700.000 in Rp 100.000 steps [U]"
)
SEED_LEVELS = list(range(1_000_000, 20_700_001, 100_000))  # the steps are an assumption [U]
SEED_DISCOUNTS = [
    # name, sector, from, to, basis points off JKK+JKM, excluded funding
    ("PP 50/2025 sektor transportasi", "transport", "2026-01", "2027-03", 5000, "apbn,apbd"),
    ("PP 50/2025 sektor lain", "other", "2026-04", "2026-12", 5000, "apbn,apbd"),
]


def upgrade():
    op.create_table(
        "rate_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.CHAR(length=7), nullable=False),
        sa.Column("jkk_basis_points", sa.Integer(), nullable=False),
        sa.Column("jkm_flat", sa.Integer(), nullable=False),
        sa.Column("jht_basis_points", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("levels_are_assumption", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_rate_versions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_versions")),
    )
    with op.batch_alter_table("rate_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rate_versions_effective_from"), ["effective_from"], unique=False
        )

    op.create_table(
        "income_levels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rate_version_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rate_version_id"],
            ["rate_versions.id"],
            name=op.f("fk_income_levels_rate_version_id_rate_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_income_levels")),
        sa.UniqueConstraint(
            "rate_version_id", "amount", name=op.f("uq_income_levels_rate_version_id")
        ),
    )

    op.create_table(
        "discount_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("sector", sa.String(length=10), nullable=True),
        sa.Column("effective_from", sa.CHAR(length=7), nullable=False),
        sa.Column("effective_to", sa.CHAR(length=7), nullable=False),
        sa.Column("basis_points_off", sa.Integer(), nullable=False),
        sa.Column("excluded_funding", sa.String(length=60), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_discount_rules_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discount_rules")),
    )

    op.create_table(
        "sponsors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("agreement_reference", sa.String(length=120), nullable=False),
        sa.Column("agreement_start", sa.Date(), nullable=False),
        sa.Column("agreement_end", sa.Date(), nullable=False),
        sa.Column("contact_name", sa.String(length=160), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_sponsors_branch_id_branches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsors")),
    )
    with op.batch_alter_table("sponsors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sponsors_branch_id"), ["branch_id"], unique=False)

    op.create_table(
        "sponsor_payments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("sponsor_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_sponsor_payments_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"], ["sponsors.id"], name=op.f("fk_sponsor_payments_sponsor_id_sponsors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sponsor_payments")),
    )
    with op.batch_alter_table("sponsor_payments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sponsor_payments_sponsor_id"), ["sponsor_id"], unique=False
        )

    op.create_table(
        "payments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("worker_id", sa.String(length=36), nullable=False),
        sa.Column("receipt_number", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("months_count", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("income_level", sa.Integer(), nullable=False),
        sa.Column("has_jht", sa.Boolean(), nullable=False),
        sa.Column("sector", sa.String(length=10), nullable=False),
        sa.Column("funding", sa.String(length=8), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("sponsor_id", sa.Integer(), nullable=True),
        sa.Column("sponsor_payment_id", sa.String(length=36), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_payments_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_payments_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_payments_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"], ["sponsors.id"], name=op.f("fk_payments_sponsor_id_sponsors")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_payment_id"],
            ["sponsor_payments.id"],
            name=op.f("fk_payments_sponsor_payment_id_sponsor_payments"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_payments_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_payments_receipt_number")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_agent_id_paid_on", ["agent_id", "paid_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_branch_id"), ["branch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_paid_on"), ["paid_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_sponsor_id"), ["sponsor_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_payments_sponsor_payment_id"), ["sponsor_payment_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_payments_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "payment_months",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.String(length=36), nullable=False),
        sa.Column("worker_id", sa.String(length=36), nullable=False),
        sa.Column("month", sa.CHAR(length=7), nullable=False),
        sa.Column("active_month", sa.CHAR(length=7), nullable=True),
        sa.Column("jkk", sa.Integer(), nullable=False),
        sa.Column("jkm", sa.Integer(), nullable=False),
        sa.Column("jht", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("rate_version_id", sa.Integer(), nullable=False),
        sa.Column("discount_rule_id", sa.Integer(), nullable=True),
        sa.Column("is_reversed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["discount_rule_id"],
            ["discount_rules.id"],
            name=op.f("fk_payment_months_discount_rule_id_discount_rules"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_payment_months_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["rate_version_id"],
            ["rate_versions.id"],
            name=op.f("fk_payment_months_rate_version_id_rate_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_payment_months_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_months")),
        sa.UniqueConstraint("worker_id", "active_month", name=op.f("uq_payment_months_worker_id")),
    )
    with op.batch_alter_table("payment_months", schema=None) as batch_op:
        batch_op.create_index("ix_payment_months_month", ["month"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_payment_months_payment_id"), ["payment_id"], unique=False
        )
        batch_op.create_index(
            "ix_payment_months_worker_id_month", ["worker_id", "month"], unique=False
        )

    op.create_table(
        "payment_reversals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("reversed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_payment_reversals_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["reversed_by_id"], ["users.id"], name=op.f("fk_payment_reversals_reversed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_reversals")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_payment_reversals_payment_id")),
    )
    seed_rules()


def seed_rules():
    """The rules in force, so a fresh `flask db upgrade` can price contributions at once."""
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    rate_versions = sa.table(
        "rate_versions",
        sa.column("id", sa.Integer),
        sa.column("effective_from", sa.String),
        sa.column("jkk_basis_points", sa.Integer),
        sa.column("jkm_flat", sa.Integer),
        sa.column("jht_basis_points", sa.Integer),
        sa.column("source", sa.String),
        sa.column("levels_are_assumption", sa.Boolean),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    income_levels = sa.table(
        "income_levels",
        sa.column("rate_version_id", sa.Integer),
        sa.column("amount", sa.Integer),
    )
    discount_rules = sa.table(
        "discount_rules",
        sa.column("name", sa.String),
        sa.column("sector", sa.String),
        sa.column("effective_from", sa.String),
        sa.column("effective_to", sa.String),
        sa.column("basis_points_off", sa.Integer),
        sa.column("excluded_funding", sa.String),
        sa.column("source", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        rate_versions,
        [
            {
                "id": 1,
                "effective_from": "2015-07",
                "jkk_basis_points": 100,
                "jkm_flat": 6800,
                "jht_basis_points": 200,
                "source": SEED_RATE_SOURCE,
                "levels_are_assumption": True,
                "created_at": now,
            }
        ],
    )
    op.bulk_insert(income_levels, [{"rate_version_id": 1, "amount": a} for a in SEED_LEVELS])
    op.bulk_insert(
        discount_rules,
        [
            {
                "name": name,
                "sector": sector,
                "effective_from": start,
                "effective_to": end,
                "basis_points_off": off,
                "excluded_funding": excluded,
                "source": "PP 50/2025",
                "created_at": now,
            }
            for name, sector, start, end, off, excluded in SEED_DISCOUNTS
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # The seed row took id 1 explicitly; move the sequence past it.
        op.execute("SELECT setval('rate_versions_id_seq', (SELECT max(id) FROM rate_versions))")


def downgrade():
    op.drop_table("payment_reversals")
    with op.batch_alter_table("payment_months", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_months_worker_id_month")
        batch_op.drop_index(batch_op.f("ix_payment_months_payment_id"))
        batch_op.drop_index("ix_payment_months_month")
    op.drop_table("payment_months")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_worker_id"))
        batch_op.drop_index(batch_op.f("ix_payments_sponsor_payment_id"))
        batch_op.drop_index(batch_op.f("ix_payments_sponsor_id"))
        batch_op.drop_index(batch_op.f("ix_payments_paid_on"))
        batch_op.drop_index(batch_op.f("ix_payments_branch_id"))
        batch_op.drop_index("ix_payments_agent_id_paid_on")
    op.drop_table("payments")
    with op.batch_alter_table("sponsor_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sponsor_payments_sponsor_id"))
    op.drop_table("sponsor_payments")
    with op.batch_alter_table("sponsors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sponsors_branch_id"))
    op.drop_table("sponsors")
    op.drop_table("discount_rules")
    op.drop_table("income_levels")
    with op.batch_alter_table("rate_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rate_versions_effective_from"))
    op.drop_table("rate_versions")

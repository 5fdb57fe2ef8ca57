"""payments: late-recorded payments that would buy cover after the fact wait for approval

Revision ID: 0015
Revises: 0014
Issue 15: a payment recorded long after its paid_on could buy cover for months that were
already over when it was recorded (months in which an accident may already have happened).
Now a payment recorded more than N days after its paid_on (N is rule data with an effective
period, `late_payment_rules`, seeded at 7) that would cover such a month is stored as
`pending_approval`: its receipt is issued, but it gives no cover and earns no commission until a
supervisor approves it (or never, once rejected). Every payment records the rule it was judged
by; the decision records who, when and a note. Existing payments were all accepted.
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    rules = op.create_table(
        "late_payment_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("max_days_late", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_late_payment_rules_effective_from", "late_payment_rules", ["effective_from"]
    )
    op.bulk_insert(
        rules,
        [
            {
                "effective_from": date(2000, 1, 1),
                "max_days_late": 7,
                "source": "Issue 15: default, a week for cash taken offline",
                "created_at": datetime(2026, 12, 2, tzinfo=UTC),
            }
        ],
    )
    with op.batch_alter_table("payments") as batch_op:
        batch_op.add_column(
            sa.Column("state", sa.String(length=16), server_default="accepted", nullable=False)
        )
        batch_op.add_column(sa.Column("late_rule_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("decision_note", sa.String(length=300), nullable=True))
        batch_op.create_foreign_key(
            "fk_payments_late_rule_id_late_payment_rules",
            "late_payment_rules",
            ["late_rule_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            "fk_payments_decided_by_id_users", "users", ["decided_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            "state", "state IN ('accepted', 'pending_approval', 'rejected')"
        )
        batch_op.create_index("ix_payments_state_branch_id", ["state", "branch_id"])


def downgrade():
    with op.batch_alter_table("payments") as batch_op:
        batch_op.drop_index("ix_payments_state_branch_id")
        batch_op.drop_constraint("state", type_="check")
        batch_op.drop_constraint("fk_payments_decided_by_id_users", type_="foreignkey")
        batch_op.drop_constraint("fk_payments_late_rule_id_late_payment_rules", type_="foreignkey")
        batch_op.drop_column("decision_note")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by_id")
        batch_op.drop_column("late_rule_id")
        batch_op.drop_column("state")
    op.drop_index("ix_late_payment_rules_effective_from", table_name="late_payment_rules")
    op.drop_table("late_payment_rules")

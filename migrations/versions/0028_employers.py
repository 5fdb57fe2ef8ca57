"""employers: small businesses, their workers and contributions, the labour office's compliance

Revision ID: 0028
Revises: 0027
Issue 23 (DOMAIN.md §12). `employers` are the businesses agents and supervisors register (our
11-digit registration number; NIB and NPWP unique where given, NPWP stored in its 16-digit
form), `employer_workers` their wage earners (a NIK once per employer; the same person may be a
BPU participant in `workers` too). The PU rules are versioned rows like the BPU rates, seeded
with their sources: `employer_rate_versions` (JKK 0.24/0.54/0.89/1.27/1.74 % by risk group, JKM
0.30 %, JHT 3.7 + 2 %, JP 2 + 1 % on a wage capped at the JP ceiling, a 2 % fine per month late
after the 15th of the next month [P]) with the JP ceiling of March 2024 (Rp 10,042,300) and of
March 2025 (Rp 10,547,400) [U: a yearly figure, to be confirmed and replaced by an
administrator]; `employer_program_rules` (micro JKK+JKM, small +JHT, medium and large all four,
Perpres 109/2013 [P]); `employer_commission_rules`, the agents' commission on employers, zero
until the board decides. `employer_payments` hold one paid month per employer with its shares,
fine, rule versions and commission.
The compliance check: `headcount_lists` (one labour office file per branch, by its SHA-256),
`headcounts` (its rows and their match), `compliance_visits` (the joint team's visits, one per
row, and their outcomes). Nothing existing changes; downgrade drops these tables.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

SEEDED = datetime(2026, 12, 5, tzinfo=UTC)
UUID = sa.String(length=36)
MONTH = sa.CHAR(length=7)
STAMP = sa.DateTime(timezone=True)
SIZES = "size IN ('micro', 'small', 'medium', 'large')"


def _timestamps():
    return [
        sa.Column(
            "created_at",
            STAMP,
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            STAMP,
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
    ]


def _rule_columns():
    return [
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
    ]


def upgrade():
    _employers()
    _rules()
    _payments()
    _compliance()


def _employers():
    op.create_table(
        "employers",
        sa.Column("id", UUID, nullable=False),
        sa.Column("registration_number", sa.String(length=11), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("name_key", sa.String(length=160), nullable=False),
        sa.Column("size", sa.String(length=6), nullable=False),
        sa.Column("risk_group", sa.Integer(), nullable=False),
        sa.Column("nib", sa.String(length=13), nullable=True),
        sa.Column("npwp", sa.String(length=16), nullable=True),
        sa.Column("village_code", sa.String(length=13), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("contact_name", sa.String(length=160), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("managed_by_id", sa.Integer(), nullable=True),
        sa.Column("registered_by_user_id", sa.Integer(), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(SIZES, name=op.f("ck_employers_size")),
        sa.CheckConstraint("risk_group BETWEEN 1 AND 5", name=op.f("ck_employers_risk_group")),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["managed_by_id"], ["agents.id"]),
        sa.ForeignKeyConstraint(["registered_by_id"], ["agents.id"]),
        sa.ForeignKeyConstraint(["registered_by_user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["village_code"], ["regions.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("registration_number", name=op.f("uq_employers_registration_number")),
        sa.UniqueConstraint("nib", name=op.f("uq_employers_nib")),
        sa.UniqueConstraint("npwp", name=op.f("uq_employers_npwp")),
    )
    op.create_index("ix_employers_village_code", "employers", ["village_code"])
    op.create_index(
        "ix_employers_branch_id_regency_code", "employers", ["branch_id", "regency_code"]
    )
    op.create_index("ix_employers_registered_by_id", "employers", ["registered_by_id"])
    op.create_index("ix_employers_managed_by_id", "employers", ["managed_by_id"])
    op.create_table(
        "employer_workers",
        sa.Column("id", UUID, nullable=False),
        sa.Column("employer_id", UUID, nullable=False),
        sa.Column("nik", sa.String(length=16), nullable=False),
        sa.Column("full_name", sa.String(length=160), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("gender", sa.String(length=1), nullable=False),
        sa.Column("wage", sa.Integer(), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", STAMP, nullable=False),
        sa.CheckConstraint("wage > 0", name=op.f("ck_employer_workers_wage")),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["employer_id"], ["employers.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("employer_id", "nik", name=op.f("uq_employer_workers_employer_id")),
    )
    op.create_index("ix_employer_workers_nik", "employer_workers", ["nik"])


def _rules():
    rates = op.create_table(
        "employer_rate_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", MONTH, nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "jkk_risk1_bp",
                "jkk_risk2_bp",
                "jkk_risk3_bp",
                "jkk_risk4_bp",
                "jkk_risk5_bp",
                "jkm_bp",
                "jht_employer_bp",
                "jht_worker_bp",
                "jp_employer_bp",
                "jp_worker_bp",
                "jp_wage_ceiling",
                "late_fine_bp",
                "due_day",
            )
        ),
        *_rule_columns(),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_employer_rate_versions_effective_from", "employer_rate_versions", ["effective_from"]
    )
    rates_of = {
        "jkk_risk1_bp": 24,
        "jkk_risk2_bp": 54,
        "jkk_risk3_bp": 89,
        "jkk_risk4_bp": 127,
        "jkk_risk5_bp": 174,
        "jkm_bp": 30,
        "jht_employer_bp": 370,
        "jht_worker_bp": 200,
        "jp_employer_bp": 200,
        "jp_worker_bp": 100,
        "late_fine_bp": 200,
        "due_day": 15,
        "created_at": SEEDED,
    }
    source = (
        "PP 44/2015 (JKK, JKM), PP 46/2015 (JHT), PP 45/2015 (JP; ceiling adjusted yearly); "
        "2 % fine a month late after the 15th of the next month [P]; JP wage ceiling Rp {} "
        "from {} as announced by BPJS Ketenagakerjaan [U: not confirmed here]"
    )
    op.bulk_insert(
        rates,
        [
            {
                **rates_of,
                "effective_from": "2024-03",
                "jp_wage_ceiling": 10_042_300,
                "source": source.format("10,042,300", "March 2024"),
            },
            {
                **rates_of,
                "effective_from": "2025-03",
                "jp_wage_ceiling": 10_547_400,
                "source": source.format("10,547,400", "March 2025"),
            },
        ],
    )
    programs = op.create_table(
        "employer_program_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", MONTH, nullable=False),
        sa.Column("size", sa.String(length=6), nullable=False),
        sa.Column("program_list", sa.String(length=30), nullable=False),
        *_rule_columns(),
        sa.CheckConstraint(SIZES, name=op.f("ck_employer_program_rules_size")),
        sa.PrimaryKeyConstraint("id"),
    )
    required = {
        "micro": "JKK,JKM",
        "small": "JKK,JKM,JHT",
        "medium": "JKK,JKM,JHT,JP",
        "large": "JKK,JKM,JHT,JP",
    }
    op.bulk_insert(
        programs,
        [
            {
                "effective_from": "2000-01",
                "size": size,
                "program_list": program_list,
                "source": "Perpres 109/2013 art. 6 (programs by business size) [P]",
                "created_at": SEEDED,
            }
            for size, program_list in required.items()
        ],
    )
    commission = op.create_table(
        "employer_commission_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", MONTH, nullable=False),
        sa.Column("first_payment_fee", sa.Integer(), nullable=False),
        sa.Column("collection_bp", sa.Integer(), nullable=False),
        *_rule_columns(),
        sa.CheckConstraint(
            "first_payment_fee >= 0 AND collection_bp >= 0",
            name=op.f("ck_employer_commission_rules_non_negative"),
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(
        commission,
        [
            {
                "effective_from": "2000-01",
                "first_payment_fee": 0,
                "collection_bp": 0,
                "source": "no decision of the board on agents' commission for employers yet: "
                "zero until one is made (issue 23) [U]",
                "created_at": SEEDED,
            }
        ],
    )


def _payments():
    op.create_table(
        "employer_payments",
        sa.Column("id", UUID, nullable=False),
        sa.Column("employer_id", UUID, nullable=False),
        sa.Column("month", MONTH, nullable=False),
        sa.Column("receipt_number", sa.String(length=20), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in (
                "workers",
                "wage_total",
                "jkk",
                "jkm",
                "jht_employer",
                "jht_worker",
                "jp_employer",
                "jp_worker",
                "contribution",
                "months_late",
                "fine",
                "amount",
                "rate_version_id",
                "program_rule_id",
            )
        ),
        sa.Column("commission_rule_id", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("commission", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", STAMP, nullable=False),
        sa.CheckConstraint("amount = contribution + fine", name=op.f("ck_employer_payments_amount")),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"]),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["commission_rule_id"], ["employer_commission_rules.id"]),
        sa.ForeignKeyConstraint(["employer_id"], ["employers.id"]),
        sa.ForeignKeyConstraint(["program_rule_id"], ["employer_program_rules.id"]),
        sa.ForeignKeyConstraint(["rate_version_id"], ["employer_rate_versions.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("employer_id", "month", name=op.f("uq_employer_payments_employer_id")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_employer_payments_receipt_number")),
    )
    op.create_index("ix_employer_payments_agent_id", "employer_payments", ["agent_id"])
    op.create_index("ix_employer_payments_branch_id", "employer_payments", ["branch_id"])


def _compliance():
    op.create_table(
        "headcount_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Integer(), nullable=False),
        sa.Column("proposed", sa.Integer(), nullable=False),
        sa.Column("unmatched", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", STAMP, nullable=False),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("branch_id", "sha256", name=op.f("uq_headcount_lists_branch_id")),
    )
    op.create_table(
        "headcounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("employer_name", sa.String(length=160), nullable=False),
        sa.Column("name_key", sa.String(length=160), nullable=False),
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("reported_workers", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.String(length=16), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=True),
        sa.Column("employer_id", UUID, nullable=True),
        sa.Column("proposed_employer_id", UUID, nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", STAMP, nullable=True),
        sa.CheckConstraint(
            "state IN ('matched', 'proposed', 'unmatched', 'rejected')",
            name=op.f("ck_headcounts_state"),
        ),
        sa.CheckConstraint("reported_workers >= 0", name=op.f("ck_headcounts_reported_workers")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["employer_id"], ["employers.id"]),
        sa.ForeignKeyConstraint(["list_id"], ["headcount_lists.id"]),
        sa.ForeignKeyConstraint(["proposed_employer_id"], ["employers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_headcounts_list_id_regency_code", "headcounts", ["list_id", "regency_code"]
    )
    op.create_index("ix_headcounts_list_id_state", "headcounts", ["list_id", "state"])
    op.create_index("ix_headcounts_employer_id", "headcounts", ["employer_id"])
    op.create_table(
        "compliance_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("headcount_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("visited_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("gap_when_planned", sa.Integer(), nullable=False),
        sa.Column("planned_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        *_timestamps(),
        sa.CheckConstraint(
            "state IN ('planned', 'visited')", name=op.f("ck_compliance_visits_state")
        ),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN "
            "('registered', 'promised', 'refused', 'disputed', 'closed', 'not_found')",
            name=op.f("ck_compliance_visits_outcome"),
        ),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["headcount_id"], ["headcounts.id"]),
        sa.ForeignKeyConstraint(["planned_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("headcount_id", name=op.f("uq_compliance_visits_headcount_id")),
    )
    op.create_index(
        "ix_compliance_visits_branch_id_state", "compliance_visits", ["branch_id", "state"]
    )


def downgrade():
    op.drop_table("compliance_visits")
    op.drop_table("headcounts")
    op.drop_table("headcount_lists")
    op.drop_table("employer_payments")
    op.drop_table("employer_commission_rules")
    op.drop_table("employer_program_rules")
    op.drop_table("employer_rate_versions")
    op.drop_table("employer_workers")
    op.drop_table("employers")

"""enrolment quality: signal thresholds, flags and their participants, agents' areas

Revision ID: 0025
Revises: 0024
Issue 21 (DOMAIN.md §9): registrations are checked for signals of fake or careless enrolment;
each signal's thresholds are versioned data (`quality_rules`, seeded with first guesses [U],
effective from 2000-01). A flag names the agent, the registration month and its participants
(`quality_flag_workers`); its evidence (`detail`) never holds a NIK, phone or name. Agents'
areas are new data: an agent without one works anywhere in its branch's regency. Participants
gain the form's duration (`capture_seconds`, sent by the PWA from now on) and photos a 64-bit
perceptual hash (`phash`; photos stored before have none until uploaded again). Downgrade drops
all of it.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    rules = op.create_table(
        "quality_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.CHAR(length=7), nullable=False),
        sa.Column("shared_phone_min", sa.Integer(), nullable=False),
        sa.Column("shared_beneficiary_phone_min", sa.Integer(), nullable=False),
        sa.Column("gps_missing_min", sa.Integer(), nullable=False),
        sa.Column("gps_max_accuracy_m", sa.Integer(), nullable=False),
        sa.Column("gps_cluster_min", sa.Integer(), nullable=False),
        sa.Column("gps_cluster_metres", sa.Integer(), nullable=False),
        sa.Column("fast_capture_seconds", sa.Integer(), nullable=False),
        sa.Column("burst_last_days", sa.Integer(), nullable=False),
        sa.Column("burst_min", sa.Integer(), nullable=False),
        sa.Column("burst_margin", sa.Integer(), nullable=False),
        sa.Column("photo_max_distance", sa.Integer(), nullable=False),
        sa.Column("no_renewal_min", sa.Integer(), nullable=False),
        sa.Column("no_renewal_share_bp", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_quality_rules_effective_from", "quality_rules", ["effective_from"])
    op.bulk_insert(
        rules,
        [
            {
                "effective_from": "2000-01",
                "shared_phone_min": 5,
                "shared_beneficiary_phone_min": 8,
                "gps_missing_min": 3,
                "gps_max_accuracy_m": 500,
                "gps_cluster_min": 8,
                "gps_cluster_metres": 20,
                "fast_capture_seconds": 60,
                "burst_last_days": 3,
                "burst_min": 5,
                "burst_margin": 5,
                "photo_max_distance": 4,
                "no_renewal_min": 5,
                "no_renewal_share_bp": 6000,
                "source": "Issue 21: first guesses [U], to tune with the branches' reviews",
                "created_at": datetime(2026, 12, 4, tzinfo=UTC),
            }
        ],
    )
    op.create_table(
        "quality_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.CHAR(length=7), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"]),
        sa.ForeignKeyConstraint(["branch_id"], ["branches.id"]),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["rule_id"], ["quality_rules.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "generation"),
    )
    op.create_index("ix_quality_flags_branch_id_month", "quality_flags", ["branch_id", "month"])
    op.create_index("ix_quality_flags_agent_id_state", "quality_flags", ["agent_id", "state"])
    op.create_table(
        "quality_flag_workers",
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["flag_id"], ["quality_flags.id"]),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"]),
        sa.PrimaryKeyConstraint("flag_id", "worker_id"),
    )
    op.create_index(
        "ix_quality_flag_workers_worker_id", "quality_flag_workers", ["worker_id"]
    )
    op.create_table(
        "agent_areas",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"]),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("agent_id", "region_code"),
    )
    with op.batch_alter_table("workers") as batch_op:
        batch_op.add_column(sa.Column("capture_seconds", sa.Integer(), nullable=True))
    with op.batch_alter_table("worker_photos") as batch_op:
        batch_op.add_column(sa.Column("phash", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_worker_photos_phash", ["phash"])


def downgrade():
    with op.batch_alter_table("worker_photos") as batch_op:
        batch_op.drop_index("ix_worker_photos_phash")
        batch_op.drop_column("phash")
    with op.batch_alter_table("workers") as batch_op:
        batch_op.drop_column("capture_seconds")
    op.drop_table("agent_areas")
    op.drop_table("quality_flag_workers")
    op.drop_table("quality_flags")
    op.drop_table("quality_rules")

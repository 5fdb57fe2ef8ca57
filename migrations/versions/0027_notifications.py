"""notifications: consent per message channel, the participant's language, the outbox and its rules

Revision ID: 0027
Revises: 0026
Issue 22 (DOMAIN.md §11): reminders, receipts and card links go by WhatsApp or SMS only to a
participant who consented to that channel. `worker_consents` records each channel's consent
(purpose, notice version, when given and by whom, when withdrawn); at most one row per
participant, purpose and channel is in force (a partial unique index). Participants stored
before this revision consented to no channel (none was asked), so nothing is sent to them until
an agent records their choice. `workers.language` is the language of their messages, `id` for
everyone stored before. `notifications` is the outbox (one row per message and channel, `key`
unique per situation; no foreign keys, by design: see perisai.notifications.models);
`notification_rules` its versioned rules, seeded from 2000-01-01 with the issue's design values
[U]: at most one reminder per participant in 3 days, quiet hours 21:00 to 07:00 local time, the
"due" reminder 7 days before coverage ends. Downgrade drops all of it.
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

SEEDED = datetime(2026, 12, 4, tzinfo=UTC)


def upgrade():
    op.add_column(
        "workers", sa.Column("language", sa.String(length=2), server_default="id", nullable=False)
    )
    op.create_table(
        "worker_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("notice_version", sa.String(length=40), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "channel IN ('whatsapp', 'sms')", name=op.f("ck_worker_consents_channel")
        ),
        sa.ForeignKeyConstraint(["given_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["withdrawn_by_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_worker_consents_worker_id", "worker_consents", ["worker_id"])
    op.create_index(
        "uq_worker_consents_in_force",
        "worker_consents",
        ["worker_id", "purpose", "channel"],
        unique=True,
        postgresql_where=sa.text("withdrawn_at IS NULL"),
        sqlite_where=sa.text("withdrawn_at IS NULL"),
    )
    rules = op.create_table(
        "notification_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("min_days_between", sa.Integer(), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=False),
        sa.Column("quiet_start_minute", sa.Integer(), nullable=False),
        sa.Column("quiet_end_minute", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "min_days_between >= 0 AND due_days >= 0 AND quiet_start_minute BETWEEN 0 AND 1439 "
            "AND quiet_end_minute BETWEEN 0 AND 1439",
            name=op.f("ck_notification_rules_ranges"),
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_notification_rules_effective_from", "notification_rules", ["effective_from"]
    )
    op.bulk_insert(
        rules,
        [
            {
                "effective_from": date(2000, 1, 1),
                "min_days_between": 3,
                "due_days": 7,
                "quiet_start_minute": 21 * 60,
                "quiet_end_minute": 7 * 60,
                "source": "issue 22 design values [U]: 1 reminder in 3 days, quiet 21:00-07:00, "
                "due 7 days ahead",
                "created_at": SEEDED,
            }
        ],
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("template", sa.String(length=20), nullable=False),
        sa.Column("worker_id", sa.String(length=36), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.String(length=36), nullable=True),
        sa.Column("branch_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("params", sa.JSON(), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("fallback_of_id", sa.Integer(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider_message_id", sa.String(length=128), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.CheckConstraint(
            "state IN ('queued', 'sent', 'delivered', 'failed', 'skipped')",
            name=op.f("ck_notifications_state"),
        ),
        sa.CheckConstraint(
            "channel IS NULL OR channel IN ('whatsapp', 'sms')",
            name=op.f("ck_notifications_channel"),
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", name=op.f("uq_notifications_key")),
    )
    op.create_index(
        "ix_notifications_due",
        "notifications",
        ["next_attempt_at", "id"],
        postgresql_where=sa.text("state = 'queued'"),
        sqlite_where=sa.text("state = 'queued'"),
    )
    op.create_index(
        "ix_notifications_worker_id_created_at", "notifications", ["worker_id", "created_at"]
    )
    op.create_index(
        "ix_notifications_agent_id",
        "notifications",
        ["agent_id"],
        postgresql_where=sa.text("agent_id IS NOT NULL"),
        sqlite_where=sa.text("agent_id IS NOT NULL"),
    )
    op.create_index(
        "ix_notifications_provider_message_id",
        "notifications",
        ["provider_message_id"],
        postgresql_where=sa.text("provider_message_id IS NOT NULL"),
        sqlite_where=sa.text("provider_message_id IS NOT NULL"),
    )


def downgrade():
    op.drop_table("notifications")
    op.drop_table("notification_rules")
    op.drop_table("worker_consents")
    with op.batch_alter_table("workers") as batch:
        batch.drop_column("language")

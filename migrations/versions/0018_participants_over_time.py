"""participants over time: versions, deaths, a change history; receipt references made offline

Revision ID: 0018
Revises: 0017
API.md "Participants over time": every participant carries a version that grows with each
change (PATCH with a stale version answers 409), a death ends the participant with its date and
reason, and each change (edit, death, reassignment) is a row in worker_changes, so a supervisor
sees the history and a commission close can tell who managed the participant in which month.
Payments gain the reference the phone printed on a receipt handed over offline (agent code and
the device's sequence), kept after sync; unique per agent.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workers") as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("died_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.String(length=20), nullable=True))
        batch_op.create_index("ix_workers_managed_by_id_updated_at", ["managed_by_id", "updated_at"])
    op.create_table(
        "worker_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.String(length=36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("effective_month", sa.CHAR(length=7), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('update', 'death', 'reassign')", name=op.f("ck_worker_changes_kind")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_worker_changes_worker_id_workers")
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_worker_changes_changed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_changes")),
    )
    with op.batch_alter_table("worker_changes") as batch_op:
        batch_op.create_index("ix_worker_changes_worker_id_version", ["worker_id", "version"])
    with op.batch_alter_table("payments") as batch_op:
        batch_op.add_column(sa.Column("client_reference", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_payments_agent_id"), ["agent_id", "client_reference"]
        )


def downgrade():
    with op.batch_alter_table("payments") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_payments_agent_id"), type_="unique")
        batch_op.drop_column("client_reference")
    with op.batch_alter_table("worker_changes") as batch_op:
        batch_op.drop_index("ix_worker_changes_worker_id_version")
    op.drop_table("worker_changes")
    with op.batch_alter_table("workers") as batch_op:
        batch_op.drop_index("ix_workers_managed_by_id_updated_at")
        batch_op.drop_column("end_reason")
        batch_op.drop_column("died_on")
        batch_op.drop_column("version")

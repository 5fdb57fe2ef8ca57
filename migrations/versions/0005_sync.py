"""sync

Revision ID: 0005
Revises: 0004
Reserved in the linear chain for the sync feature; it fills in upgrade() and downgrade().
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sync_operations",
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=36), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sync_operations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("op_id", name=op.f("pk_sync_operations")),
    )
    op.create_index(
        op.f("ix_sync_operations_user_id"), "sync_operations", ["user_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_sync_operations_user_id"), table_name="sync_operations")
    op.drop_table("sync_operations")

"""imports: import jobs (one per uploader and file hash) and their row reports

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("file_format", sa.String(length=4), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_path", sa.String(length=500), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("default_agent_code", sa.String(length=20), nullable=True),
        sa.Column("default_notice_version", sa.String(length=40), nullable=True),
        sa.Column("default_funding", sa.String(length=8), nullable=True),
        sa.Column("sponsor_id", sa.Integer(), nullable=True),
        sa.Column("sponsor_months", sa.Integer(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("total_rows", sa.Integer(), nullable=True),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("valid_rows", sa.Integer(), nullable=False),
        sa.Column("invalid_rows", sa.Integer(), nullable=False),
        sa.Column("imported_rows", sa.Integer(), nullable=False),
        sa.Column("paid_rows", sa.Integer(), nullable=False),
        sa.Column("amount_paid", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=True),
        sa.Column("runner_token", sa.String(length=36), nullable=True),
        sa.Column("runner_pid", sa.Integer(), nullable=True),
        sa.Column("runner_host", sa.String(length=100), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["branch_id"], ["branches.id"], name=op.f("fk_import_jobs_branch_id_branches")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_import_jobs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_id"], ["sponsors.id"], name=op.f("fk_import_jobs_sponsor_id_sponsors")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
        sa.UniqueConstraint(
            "created_by_id", "file_sha256", name=op.f("uq_import_jobs_created_by_id")
        ),
    )
    op.create_index(op.f("ix_import_jobs_branch_id"), "import_jobs", ["branch_id"], unique=False)
    op.create_index(
        op.f("ix_import_jobs_created_by_id"), "import_jobs", ["created_by_id"], unique=False
    )
    op.create_index(op.f("ix_import_jobs_sponsor_id"), "import_jobs", ["sponsor_id"], unique=False)
    op.create_index(op.f("ix_import_jobs_state"), "import_jobs", ["state"], unique=False)
    op.create_table(
        "import_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.String(length=36), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("nik_key", sa.String(length=32), nullable=True),
        sa.Column("nik_masked", sa.String(length=16), nullable=True),
        sa.Column("errors", sa.JSON(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=True),
        sa.Column("worker_id", sa.String(length=36), nullable=True),
        sa.Column("sponsor_payment_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["import_jobs.id"], name=op.f("fk_import_rows_job_id_import_jobs")
        ),
        sa.ForeignKeyConstraint(
            ["sponsor_payment_id"],
            ["sponsor_payments.id"],
            name=op.f("fk_import_rows_sponsor_payment_id_sponsor_payments"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.id"], name=op.f("fk_import_rows_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_rows")),
        sa.UniqueConstraint("job_id", "row_number", name=op.f("uq_import_rows_job_id")),
    )
    op.create_index(
        "ix_import_rows_job_id_nik_key", "import_rows", ["job_id", "nik_key"], unique=False
    )
    op.create_index(
        "ix_import_rows_job_id_status", "import_rows", ["job_id", "status"], unique=False
    )
    op.create_index(
        op.f("ix_import_rows_sponsor_payment_id"),
        "import_rows",
        ["sponsor_payment_id"],
        unique=False,
    )
    op.create_index(op.f("ix_import_rows_worker_id"), "import_rows", ["worker_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_import_rows_worker_id"), table_name="import_rows")
    op.drop_index(op.f("ix_import_rows_sponsor_payment_id"), table_name="import_rows")
    op.drop_index("ix_import_rows_job_id_status", table_name="import_rows")
    op.drop_index("ix_import_rows_job_id_nik_key", table_name="import_rows")
    op.drop_table("import_rows")
    op.drop_index(op.f("ix_import_jobs_state"), table_name="import_jobs")
    op.drop_index(op.f("ix_import_jobs_sponsor_id"), table_name="import_jobs")
    op.drop_index(op.f("ix_import_jobs_created_by_id"), table_name="import_jobs")
    op.drop_index(op.f("ix_import_jobs_branch_id"), table_name="import_jobs")
    op.drop_table("import_jobs")

"""Import jobs and their rows: the state of one uploaded participant list, row by row.

The uploaded file stays in the file storage (`file_path`, its key: `perisai.imports.files`) until
the job is finished, so a runner on any machine can stream it again after an interruption; rows
hold only what the report needs (status, error tokens, masked NIK, the participant created) and
a per-job hash of the NIK to find duplicates inside the file.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai.db import Base, TimestampMixin, UTCDateTime, UUIDType

FORMATS = ("csv", "xlsx")
MODES = ("all_or_nothing", "valid_only")
ACTIONS = ("validate", "import")
# Running states: a runner owns the job (or should: `interrupted` when it has gone away).
RUNNING = ("queued", "validating", "importing", "paying", "rolling_back")
FINISHED = ("validated", "rejected", "done", "rolled_back")
ROW_STATUSES = ("pending", "valid", "invalid", "imported")


class ImportJob(TimestampMixin, Base):
    __tablename__ = "import_jobs"
    # Same uploader, same bytes → the same job: re-importing a file never duplicates anything.
    __table_args__ = (UniqueConstraint("created_by_id", "file_sha256"),)

    id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20), default="workers")
    filename: Mapped[str] = mapped_column(String(200))
    file_format: Mapped[str] = mapped_column(String(4))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_path: Mapped[str] = mapped_column(String(500))
    size_bytes: Mapped[int]
    # {"positions": {key: index}, "unknown": [...], "encoding": ..., "delimiter": ...}
    layout: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    mode: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    default_agent_code: Mapped[str | None] = mapped_column(String(20))
    default_notice_version: Mapped[str | None] = mapped_column(String(40))
    default_funding: Mapped[str | None] = mapped_column(String(8))
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("sponsors.id"), index=True)
    sponsor_months: Mapped[int | None]
    paid_on: Mapped[date | None]
    total_rows: Mapped[int | None]
    processed_rows: Mapped[int] = mapped_column(default=0)
    valid_rows: Mapped[int] = mapped_column(default=0)
    invalid_rows: Mapped[int] = mapped_column(default=0)
    imported_rows: Mapped[int] = mapped_column(default=0)
    paid_rows: Mapped[int] = mapped_column(default=0)
    amount_paid: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(300))
    runner_token: Mapped[str | None] = mapped_column(String(36))
    runner_pid: Mapped[int | None]
    runner_host: Mapped[str | None] = mapped_column(String(100))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sponsor = relationship("Sponsor", viewonly=True)

    @property
    def dry_run(self) -> bool:
        return self.action == "validate"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def row_total(self) -> int:
        return self.total_rows or 0

    @property
    def progress(self) -> float:
        total = self.row_total
        return round(min(self.processed_rows / total, 1.0), 4) if total else 0.0

    @property
    def unknown_columns(self) -> list[str]:
        return self.layout.get("unknown", [])


class ImportRow(Base):
    __tablename__ = "import_rows"
    __table_args__ = (
        UniqueConstraint("job_id", "row_number"),
        Index("ix_import_rows_job_id_status", "job_id", "status"),
        Index("ix_import_rows_job_id_nik_key", "job_id", "nik_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("import_jobs.id"))
    row_number: Mapped[int]  # as the spreadsheet shows it: the header is row 1
    status: Mapped[str] = mapped_column(String(10))
    nik_key: Mapped[str | None] = mapped_column(String(32))
    nik_masked: Mapped[str | None] = mapped_column(String(16))
    errors: Mapped[dict | None] = mapped_column(JSON)
    warnings: Mapped[list | None] = mapped_column(JSON)
    worker_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("workers.id"), index=True)
    sponsor_payment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sponsor_payments.id"), index=True
    )

    job: Mapped[ImportJob] = relationship()

"""A background job's record: what it is, whose it is, where it stands, where its file is.

Imports keep their own, richer record (`perisai.imports.models.ImportJob`, row by row); every
other job (a card batch, a statement PDF, a scheduled check) is one row here. The state lives in
the database, never in a worker's memory, so any worker can take a job over and any app server
can answer a poll. `key` names a job that must happen once (the standing check of one branch's
month): a second run with the same key finds the first and does nothing more.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db import Base, TimestampMixin, UTCDateTime, UUIDType

STATES = ("queued", "running", "done", "failed")
RUNNING = ("queued", "running")
FINISHED = ("done", "failed")


class Job(TimestampMixin, Base):
    __tablename__ = "jobs"

    id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    key: Mapped[str | None] = mapped_column(String(100), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # The generated file in shared storage (perisai.storage), named for its download.
    result_key: Mapped[str | None] = mapped_column(String(300))
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_type: Mapped[str | None] = mapped_column(String(100))
    result: Mapped[dict | None] = mapped_column(JSON)  # a summary (counts) when there is no file
    error: Mapped[str | None] = mapped_column(String(300))
    attempts: Mapped[int] = mapped_column(default=0)
    runner_token: Mapped[str | None] = mapped_column(String(36))
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The request that queued it, so its log lines can be followed into the worker.
    request_id: Mapped[str | None] = mapped_column(String(64))

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def has_download(self) -> bool:
        return self.state == "done" and self.result_key is not None

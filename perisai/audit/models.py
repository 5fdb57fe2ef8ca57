"""Audit events. Rows are only ever inserted: database triggers refuse UPDATE and DELETE.

One row is one action of one actor on one record: `user_id` (None for a CLI command or a public
link), `route` the entry point (`via`: "GET /api/v1/workers/<uuid:worker_id>", "sync",
"cli perisai create-user", "import <job id>"), `entity_type`/`entity_id` the record. Never a
NIK, phone or name (see perisai.audit.operations)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from perisai import clock
from perisai.db import Base, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(12))  # read, list, create, update, delete, …
    entity_type: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    # The entry point: a route template (never the URL: query strings may carry a NIK), "sync",
    # a CLI command or an import job; and the status code of the answer.
    route: Mapped[str] = mapped_column(String(120))
    status_code: Mapped[int]
    remote_addr: Mapped[str | None] = mapped_column(String(45))

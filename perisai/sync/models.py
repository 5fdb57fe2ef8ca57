"""Applied client operations: the op_id ledger that makes every replay harmless."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from perisai import clock
from perisai.db import Base, UTCDateTime, UUIDType


class SyncOperation(Base):
    """One operation a phone sent and the server applied.

    The primary key on `op_id` is what settles a race: when two tabs or devices send the same
    operation at once, one insert wins and the other reports `duplicate`. Rejected operations
    are not kept (nothing was stored), so a fixed payload can be resent under the same op_id.
    """

    __tablename__ = "sync_operations"

    op_id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    # sha256 of the canonical JSON payload: same op_id + other content is a conflict.
    payload_hash: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    http_status: Mapped[int]
    applied_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

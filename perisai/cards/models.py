"""Issued membership cards, every print of them, and the keys that sign their QR tokens."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai import clock
from perisai.auth.models import User
from perisai.db import Base, UTCDateTime, UUIDType, partial_index
from perisai.workers.models import Worker

CARD_STATUSES = ("active", "replaced", "revoked")


class Card(Base):
    """One physical card design: its serial is printed on it and signed into its QR token.

    A worker has at most one active card. Printing again with unchanged printed data reprints
    the same card; when the printed data changed, a new card is issued and the old one becomes
    `replaced` (pointing at its successor), so its QR code then verifies as not valid.
    """

    __tablename__ = "cards"
    __table_args__ = (
        partial_index(
            "uq_cards_worker_id_active", "worker_id", unique=True, where="status = 'active'"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, doc="the card serial")
    worker_id: Mapped[uuid.UUID] = mapped_column(UUIDType, ForeignKey("workers.id"), index=True)
    membership_number: Mapped[str] = mapped_column(String(11))
    issued_on: Mapped[date]
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # SHA-256 of the printed data (name, numbers, programs, …): a change means a new card.
    data_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="active")
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    replaced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(200))

    worker: Mapped[Worker] = relationship()
    issuer: Mapped[User | None] = relationship(foreign_keys=[issued_by_id], viewonly=True)
    prints: Mapped[list[CardPrint]] = relationship(
        back_populates="card", order_by="CardPrint.id", viewonly=True
    )

    @property
    def print_count(self) -> int:
        return len(self.prints)

    @property
    def last_printed_at(self) -> datetime | None:
        return max((p.printed_at for p in self.prints), default=None)


class CardPrint(Base):
    """Who printed which card when; one batch request shares a batch id."""

    __tablename__ = "card_prints"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    printed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    printed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    batch_id: Mapped[uuid.UUID | None] = mapped_column(UUIDType)
    is_issue: Mapped[bool] = mapped_column(default=False, doc="this print issued the card")

    card: Mapped[Card] = relationship(back_populates="prints")


class CardKey(Base):
    """An Ed25519 key that signs card tokens (`perisai/cards/keys.py`): only its public half.

    The private key is derived again wherever it signs, from the deployment's secret and the
    key id (never stored, so nothing on one server's disk and nothing in the database that
    signs). Rows are never deleted: a retired key signs no new card but stays published at
    GET /api/v1/cards/keys, so every card it signed still verifies, offline too.
    """

    __tablename__ = "card_keys"
    __table_args__ = (CheckConstraint("kid BETWEEN 1 AND 255", name="kid_range"),)

    # The token's first byte names its key, hence 1–255.
    kid: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, doc="signs no new card")

"""Branches, Wadah and agents: the organisation every participant and fee hangs from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai.db import Base, TimestampMixin, UTCDateTime

AGENT_STATUSES = ("active", "suspended", "terminated")
WADAH_STATUSES = ("active", "terminated")


class Branch(TimestampMixin, Base):
    """A Kantor Cabang of BPJS Ketenagakerjaan."""

    __tablename__ = "branches"
    __table_args__ = (CheckConstraint("time_zone IN ('WIB', 'WITA', 'WIT')", name="time_zone"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    region_code: Mapped[str] = mapped_column(String(13), doc="Kemendagri regency code PP.KK")
    time_zone: Mapped[str] = mapped_column(
        String(4), default="WIB", server_default="WIB", doc="WIB, WITA or WIT: the branch's today"
    )

    wadahs: Mapped[list[Wadah]] = relationship(back_populates="branch")


class Wadah(TimestampMixin, Base):
    """A Kantor Perisai: coordinates agents under a PKS with a branch; commissions go here."""

    __tablename__ = "wadahs"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    pks_number: Mapped[str] = mapped_column(String(60))
    pks_start: Mapped[date]
    pks_end: Mapped[date]
    bank_name: Mapped[str] = mapped_column(String(60))
    bank_account: Mapped[str] = mapped_column(String(40))
    monthly_target: Mapped[int] = mapped_column(default=0, doc="new participants per month")
    status: Mapped[str] = mapped_column(String(12), default="active")

    branch: Mapped[Branch] = relationship(back_populates="wadahs")
    agents: Mapped[list[Agent]] = relationship(back_populates="wadah")


class Agent(TimestampMixin, Base):
    """A Perisai agent; `status` drives whether they may register new participants."""

    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    wadah_id: Mapped[int] = mapped_column(ForeignKey("wadahs.id"), index=True)
    agent_code: Mapped[str] = mapped_column(String(20), unique=True)
    full_name: Mapped[str] = mapped_column(String(160))
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    phone: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="active")
    joined_on: Mapped[date]
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    wadah: Mapped[Wadah] = relationship(back_populates="agents")

    @property
    def branch_id(self) -> int:
        return self.wadah.branch_id

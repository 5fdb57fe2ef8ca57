"""Branches, Wadah and agents: the organisation every participant and fee hangs from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai import clock
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

    def set_status(self, status: str) -> None:
        """The new status, stamped with the moment it changed (unchanged: no new stamp)."""
        if self.status != status:
            self.status = status
            self.status_changed_at = clock.now()


AGENT_STATUS_REASONS = ("no_activity", "resigned", "fraud", "misconduct", "other")


class AgentStatusChange(Base):
    """A supervisor's suspension, reinstatement or dismissal of an agent, with its reason: the
    agent page shows the history, and a dismissal says why (DOMAIN.md §4)."""

    __tablename__ = "agent_status_changes"
    __table_args__ = (
        CheckConstraint(
            "reason IS NULL OR reason IN ('no_activity', 'resigned', 'fraud', 'misconduct', "
            "'other')",
            name="reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    status_from: Mapped[str] = mapped_column(String(12))
    status_to: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(300))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

"""The thresholds of the quality signals (versioned), the flags they raise and who is in them,
and the areas agents work in (for `outside_area`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai import clock
from perisai.db import Base, MonthType, UTCDateTime, UUIDType
from perisai.months import Month

FLAG_STATES = ("open", "cleared", "confirmed")
FLAG_KINDS = (
    "shared_phone",  # one participant phone on several participants
    "shared_beneficiary_phone",  # one beneficiary phone on many participants
    "gps_missing",  # registrations without a position
    "gps_invalid",  # accuracy 0 (a mocked position) or a point outside Indonesia
    "gps_cluster",  # many registrations within a few metres
    "outside_area",  # a village outside the agent's area
    "fast_capture",  # a form completed implausibly fast
    "photo_reuse",  # the same photo (perceptual hash) on two participants
    "month_end_burst",  # a burst in the month's last days that lands just past the minimum
    "no_renewal",  # a cohort that never pays after its first month
)


class QualityRule(Base):
    """The thresholds in force from a registration month onwards [U]: the version for month M
    is the latest `effective_from` <= M (ties: newest id). Every flag names the one it used."""

    __tablename__ = "quality_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[Month] = mapped_column(MonthType, index=True)
    shared_phone_min: Mapped[int]  # participants on one phone (a household shares one or two)
    shared_beneficiary_phone_min: Mapped[int]
    gps_missing_min: Mapped[int]  # an agent's registrations of a month without a position
    gps_max_accuracy_m: Mapped[int]  # a reported accuracy worse than this is no position
    gps_cluster_min: Mapped[int]  # registrations of an agent's month at one point …
    gps_cluster_metres: Mapped[int]  # … within this many metres
    fast_capture_seconds: Mapped[int]  # a form filled faster than this
    burst_last_days: Mapped[int]  # the month's last days …
    burst_min: Mapped[int]  # … with at least this many registrations …
    burst_margin: Mapped[int]  # … that end the month at most this far past the minimum
    photo_max_distance: Mapped[int]  # Hamming distance of two 64-bit perceptual hashes
    no_renewal_min: Mapped[int]  # a cohort of at least this many …
    no_renewal_share_bp: Mapped[int]  # … of whom this share never paid a second month
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class QualityFlag(Base):
    """One signal raised on an agent's registrations of a month, for a supervisor to review.

    `key` names what the signal found (the phone's digest, the grid cell, the agent's month), so
    computing the signals again updates an open flag instead of adding another; a reviewed flag
    is never changed: participants found later raise a new flag (`generation`).
    """

    __tablename__ = "quality_flags"
    __table_args__ = (
        UniqueConstraint("key", "generation"),
        Index("ix_quality_flags_branch_id_month", "branch_id", "month"),
        Index("ix_quality_flags_agent_id_state", "agent_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    key: Mapped[str] = mapped_column(String(120))
    generation: Mapped[int] = mapped_column(default=1)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    month: Mapped[Month] = mapped_column(MonthType)
    state: Mapped[str] = mapped_column(String(10), default="open")
    detail: Mapped[dict] = mapped_column(JSON)  # the evidence, never a NIK, phone or name
    rule_id: Mapped[int] = mapped_column(ForeignKey("quality_rules.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str | None] = mapped_column(String(500))

    agent = relationship("Agent")
    members: Mapped[list[FlaggedWorker]] = relationship(
        back_populates="flag", cascade="all, delete-orphan"
    )

    @property
    def agent_code(self) -> str:
        return self.agent.agent_code

    @property
    def worker_ids(self) -> list[str]:
        return sorted(str(m.worker_id) for m in self.members)


class FlaggedWorker(Base):
    """A participant in a flag: its acquisition fee is held while the flag is open."""

    __tablename__ = "quality_flag_workers"
    __table_args__ = (Index("ix_quality_flag_workers_worker_id", "worker_id"),)

    flag_id: Mapped[int] = mapped_column(ForeignKey("quality_flags.id"), primary_key=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(
        UUIDType, ForeignKey("workers.id"), primary_key=True
    )

    flag: Mapped[QualityFlag] = relationship(back_populates="members")


class AgentArea(Base):
    """A region an agent works in: a district (PP.KK.CC) or a village (PP.KK.CC.VVVV). An agent
    with none works anywhere in its branch's regency."""

    __tablename__ = "agent_areas"

    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

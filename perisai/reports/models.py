"""Monthly rollups the reports read, their freshness, and the workforce estimates.

The rollups are a cache of set-based queries over participants, payments and covered months,
kept per (branch, month). Writes to those tables mark the affected (branch, month) rows stale
(perisai.reports.freshness); a report recomputes only what is stale or missing before reading.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from perisai import clock
from perisai.contributions.models import Payment
from perisai.db import Base, MonthType, UTCDateTime
from perisai.months import Month
from perisai.workers.models import Worker

# Indexes the report queries need on other features' tables (declared here so that models and
# the 0008 migration agree): registrations of a month, and first payments of a month.
Index("ix_workers_created_at", Worker.created_at)
Index(
    "ix_workers_first_paid_month_registered_by_id", Worker.first_paid_month, Worker.registered_by_id
)
Index("ix_payments_paid_on_branch_id", Payment.paid_on, Payment.branch_id)


class RollupState(Base):
    """One (branch, month) of the rollups: present and not stale means its rows are current."""

    __tablename__ = "report_rollup_states"

    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    month: Mapped[Month] = mapped_column(MonthType, primary_key=True)
    is_stale: Mapped[bool] = mapped_column(default=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class AgentMonth(Base):
    """Per branch, month and agent (NULL: participants no agent manages any more).

    See perisai.reports.rollups for the exact definition of every column.
    """

    __tablename__ = "report_agent_months"
    __table_args__ = (
        Index("ix_report_agent_months_branch_id_month", "branch_id", "month"),
        Index("ix_report_agent_months_month", "month"),
        Index("ix_report_agent_months_agent_id_month", "agent_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    month: Mapped[Month] = mapped_column(MonthType)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    new_participants: Mapped[int] = mapped_column(default=0)
    first_payments: Mapped[int] = mapped_column(default=0)
    active_participants: Mapped[int] = mapped_column(default=0)
    grace_participants: Mapped[int] = mapped_column(default=0)
    ended_participants: Mapped[int] = mapped_column(default=0)
    collected_amount: Mapped[int] = mapped_column(default=0)
    payments_count: Mapped[int] = mapped_column(default=0)
    registered_total: Mapped[int] = mapped_column(default=0)
    acquired_0: Mapped[int] = mapped_column(default=0)
    retained_0: Mapped[int] = mapped_column(default=0)
    acquired_3: Mapped[int] = mapped_column(default=0)
    retained_3: Mapped[int] = mapped_column(default=0)
    acquired_6: Mapped[int] = mapped_column(default=0)
    retained_6: Mapped[int] = mapped_column(default=0)
    acquired_12: Mapped[int] = mapped_column(default=0)
    retained_12: Mapped[int] = mapped_column(default=0)
    last_activity_on: Mapped[date | None]


class BranchMonth(Base):
    """The branch totals of AgentMonth (including participants without an agent)."""

    __tablename__ = "report_branch_months"

    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    month: Mapped[Month] = mapped_column(MonthType, primary_key=True, index=True)
    new_participants: Mapped[int] = mapped_column(default=0)
    first_payments: Mapped[int] = mapped_column(default=0)
    active_participants: Mapped[int] = mapped_column(default=0)
    grace_participants: Mapped[int] = mapped_column(default=0)
    ended_participants: Mapped[int] = mapped_column(default=0)
    collected_amount: Mapped[int] = mapped_column(default=0)
    registered_total: Mapped[int] = mapped_column(default=0)


class DistrictMonth(Base):
    """Registered (cumulative) and active participants per branch, month and district."""

    __tablename__ = "report_district_months"

    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), primary_key=True)
    month: Mapped[Month] = mapped_column(MonthType, primary_key=True, index=True)
    district_code: Mapped[str] = mapped_column(String(8), primary_key=True)
    registered: Mapped[int] = mapped_column(default=0)
    active: Mapped[int] = mapped_column(default=0)


class WorkforceEstimate(Base):
    """The informal workforce of a regency (PP.KK) or district (PP.KK.CC), uploaded by an admin."""

    __tablename__ = "report_workforce_estimates"

    region_code: Mapped[str] = mapped_column(String(13), primary_key=True)
    informal_workers: Mapped[int]
    source: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

"""The labour office's compliance check (DOMAIN.md §12): the lists of employers and their
reported headcounts a branch receives from the Disnaker, each row matched to a registered
employer (by identifier at once, by name and regency only when a supervisor confirms it), and
the joint inspection team's visits with their outcomes."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai import clock
from perisai.db import Base, TimestampMixin, UTCDateTime, UUIDType
from perisai.employers.models import Employer

# matched: to `employer_id` (by identifier, or a proposal a supervisor confirmed); proposed: a
# very similar name in the same regency waits for a supervisor; unmatched: no registered
# employer found; rejected: the supervisor said the proposal is another business.
MATCH_STATES = ("matched", "proposed", "unmatched", "rejected")
MATCH_METHODS = ("registration_number", "nib", "npwp", "name")
VISIT_STATES = ("planned", "visited")
VISIT_OUTCOMES = ("registered", "promised", "refused", "disputed", "closed", "not_found")


class HeadcountList(Base):
    """One upload of the labour office's list for a branch (the same file again is the same
    list); its counts as matched at upload."""

    __tablename__ = "headcount_lists"
    __table_args__ = (UniqueConstraint("branch_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    reported_on: Mapped[date]  # the day the labour office's figures stand for
    rows: Mapped[int]
    matched: Mapped[int]
    proposed: Mapped[int]
    unmatched: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class Headcount(Base):
    """One row of a list: an employer as the labour office names it, its regency and the
    workers it reported."""

    __tablename__ = "headcounts"
    __table_args__ = (
        CheckConstraint("state IN ('matched', 'proposed', 'unmatched', 'rejected')", name="state"),
        CheckConstraint("reported_workers >= 0", name="reported_workers"),
        Index("ix_headcounts_list_id_regency_code", "list_id", "regency_code"),
        Index("ix_headcounts_list_id_state", "list_id", "state"),
        Index("ix_headcounts_employer_id", "employer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("headcount_lists.id"))
    row_number: Mapped[int]
    employer_name: Mapped[str] = mapped_column(String(160))
    name_key: Mapped[str] = mapped_column(String(160))
    regency_code: Mapped[str] = mapped_column(String(5))
    reported_workers: Mapped[int]
    # The identifier the list gave (our registration number, a NIB or an NPWP), digits only.
    identifier: Mapped[str | None] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(10))
    method: Mapped[str | None] = mapped_column(String(20))
    employer_id: Mapped[uuid.UUID | None] = mapped_column(UUIDType, ForeignKey("employers.id"))
    proposed_employer_id: Mapped[uuid.UUID | None] = mapped_column(
        UUIDType, ForeignKey("employers.id")
    )
    score: Mapped[int | None]  # the name's similarity to the proposal, in percent
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    headcount_list: Mapped[HeadcountList] = relationship()
    employer: Mapped[Employer | None] = relationship(foreign_keys=[employer_id])
    proposed_employer: Mapped[Employer | None] = relationship(foreign_keys=[proposed_employer_id])


class ComplianceVisit(TimestampMixin, Base):
    """A visit of the joint inspection team (BPJS Ketenagakerjaan and the labour office) to an
    employer of a list, planned from the gap report; its outcome once visited."""

    __tablename__ = "compliance_visits"
    __table_args__ = (
        CheckConstraint("state IN ('planned', 'visited')", name="state"),
        CheckConstraint(
            "outcome IS NULL OR outcome IN "
            "('registered', 'promised', 'refused', 'disputed', 'closed', 'not_found')",
            name="outcome",
        ),
        Index("ix_compliance_visits_branch_id_state", "branch_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    headcount_id: Mapped[int] = mapped_column(ForeignKey("headcounts.id"), unique=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    planned_on: Mapped[date]
    team: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(8), default="planned")
    outcome: Mapped[str | None] = mapped_column(String(10))
    visited_on: Mapped[date | None]
    note: Mapped[str | None] = mapped_column(String(500))
    # The gap when it was planned, so the outcome can be read against it later.
    gap_when_planned: Mapped[int]
    planned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    headcount: Mapped[Headcount] = relationship()

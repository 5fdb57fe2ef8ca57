"""Small businesses (PU segment, DOMAIN.md §12): employers, their wage-earning workers, the
versioned rules that price them (rates and the JP wage ceiling, the programs each size must
join, the agents' commission on them) and the contributions they paid.

Rules are insert-only rows with an effective contribution month, like the BPU rates: the version
for month M is the one with the latest `effective_from` <= M (ties: the newest id). Every
payment records the versions it was priced and rewarded with.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai import clock
from perisai.agents.models import Agent
from perisai.db import Base, MonthType, TimestampMixin, UTCDateTime, UUIDType
from perisai.months import Month

SIZES = ("micro", "small", "medium", "large")  # Perpres 109/2013's size classes
RISK_GROUPS = (1, 2, 3, 4, 5)  # JKK risk groups, very low to very high
PROGRAMS = ("JKK", "JKM", "JHT", "JP")
PAYMENT_CHANNELS = ("bank", "va", "counter")  # an employer pays into the account, never to an agent


class Employer(TimestampMixin, Base):
    """A business registered by an agent or at the branch office; `registration_number` is
    ours (10 random digits and a Damm check digit, as membership numbers), NIB and NPWP are
    the business's own identifiers, each held by one employer at most."""

    __tablename__ = "employers"
    __table_args__ = (
        CheckConstraint("size IN ('micro', 'small', 'medium', 'large')", name="size"),
        CheckConstraint("risk_group BETWEEN 1 AND 5", name="risk_group"),
        # the likely-duplicate check (name + village) and the labour office's match by name
        Index("ix_employers_village_code", "village_code"),
        Index("ix_employers_branch_id_regency_code", "branch_id", "regency_code"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True, default=uuid.uuid4)
    registration_number: Mapped[str] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    # The name as it is compared: casefolded, legal forms (PT, CV, UD …) and punctuation gone
    # (perisai.employers.names); a labour office writes "PT. Maju Jaya", an agent "Maju Jaya".
    name_key: Mapped[str] = mapped_column(String(160))
    size: Mapped[str] = mapped_column(String(6))
    risk_group: Mapped[int]
    nib: Mapped[str | None] = mapped_column(String(13), unique=True)
    npwp: Mapped[str | None] = mapped_column(String(16), unique=True)  # 15 digits stored as 16
    village_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    regency_code: Mapped[str] = mapped_column(String(5))  # PP.KK of the village
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str] = mapped_column(String(16))
    contact_name: Mapped[str] = mapped_column(String(160))
    registered_on: Mapped[date]
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    managed_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    registered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    # Hash of the registration body, so a resent client id can be told apart from a clash.
    request_hash: Mapped[str] = mapped_column(String(64))

    registered_by: Mapped[Agent | None] = relationship(foreign_keys=[registered_by_id])
    managed_by: Mapped[Agent | None] = relationship(foreign_keys=[managed_by_id])
    workers: Mapped[list[EmployerWorker]] = relationship(
        back_populates="employer", order_by="EmployerWorker.full_name"
    )


class EmployerWorker(Base):
    """A wage earner of one employer. A person is there once (NIK unique per employer) and may
    be a BPU participant as well (the `workers` table): both are allowed."""

    __tablename__ = "employer_workers"
    __table_args__ = (
        UniqueConstraint("employer_id", "nik"),
        CheckConstraint("wage > 0", name="wage"),
        Index("ix_employer_workers_nik", "nik"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True, default=uuid.uuid4)
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"))
    nik: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(160))
    birth_date: Mapped[date]
    gender: Mapped[str] = mapped_column(String(1))
    wage: Mapped[int]  # monthly wage in rupiah, what every share is computed on
    request_hash: Mapped[str] = mapped_column(String(64))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    employer: Mapped[Employer] = relationship(back_populates="workers")


class EmployerRateVersion(Base):
    """The PU contribution rates, the JP wage ceiling and the late fine from a contribution
    month on. Percentages are basis points of the monthly wage (24 = 0.24 %)."""

    __tablename__ = "employer_rate_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[Month] = mapped_column(MonthType, index=True)
    jkk_risk1_bp: Mapped[int]
    jkk_risk2_bp: Mapped[int]
    jkk_risk3_bp: Mapped[int]
    jkk_risk4_bp: Mapped[int]
    jkk_risk5_bp: Mapped[int]
    jkm_bp: Mapped[int]
    jht_employer_bp: Mapped[int]
    jht_worker_bp: Mapped[int]
    jp_employer_bp: Mapped[int]
    jp_worker_bp: Mapped[int]
    jp_wage_ceiling: Mapped[int]  # rupiah: JP is computed on min(wage, ceiling) [U: yearly]
    late_fine_bp: Mapped[int]  # of the month's contribution, per month (or part) late
    due_day: Mapped[int]  # a month's contribution is due by this day of the next month
    source: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    def jkk_bp(self, risk_group: int) -> int:
        return getattr(self, f"jkk_risk{risk_group}_bp")


class EmployerProgramRule(Base):
    """Which programs an employer of a size class must join, from a contribution month on."""

    __tablename__ = "employer_program_rules"
    __table_args__ = (
        CheckConstraint("size IN ('micro', 'small', 'medium', 'large')", name="size"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[Month] = mapped_column(MonthType)
    size: Mapped[str] = mapped_column(String(6))
    program_list: Mapped[str] = mapped_column(String(30))  # "JKK,JKM,JHT"
    source: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def programs(self) -> list[str]:
        return [p for p in PROGRAMS if p in self.program_list.split(",")]


class EmployerCommissionRule(Base):
    """The agents' commission on employers, its own rule set (DOMAIN.md §4 covers BPU only):
    a fee for an employer's first paid month and a share of each month's contribution (the
    fine excluded). Zero until the board decides."""

    __tablename__ = "employer_commission_rules"
    __table_args__ = (
        CheckConstraint("first_payment_fee >= 0 AND collection_bp >= 0", name="non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[Month] = mapped_column(MonthType)
    first_payment_fee: Mapped[int]
    collection_bp: Mapped[int]
    source: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class EmployerPayment(Base):
    """One month of an employer's contributions, paid (with its fine when late): the shares
    as priced on the day, the rule versions used and the managing agent's commission. One
    payment per employer and month; never edited."""

    __tablename__ = "employer_payments"
    __table_args__ = (
        UniqueConstraint("employer_id", "month"),
        CheckConstraint("amount = contribution + fine", name="amount"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True)  # the client's id
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"))
    month: Mapped[Month] = mapped_column(MonthType)
    receipt_number: Mapped[str] = mapped_column(String(20), unique=True)
    paid_on: Mapped[date]
    channel: Mapped[str] = mapped_column(String(8))
    reference: Mapped[str | None] = mapped_column(String(60))
    workers: Mapped[int]
    wage_total: Mapped[int]
    jkk: Mapped[int]
    jkm: Mapped[int]
    jht_employer: Mapped[int]
    jht_worker: Mapped[int]
    jp_employer: Mapped[int]
    jp_worker: Mapped[int]
    contribution: Mapped[int]
    months_late: Mapped[int]
    fine: Mapped[int]
    amount: Mapped[int]
    rate_version_id: Mapped[int] = mapped_column(ForeignKey("employer_rate_versions.id"))
    program_rule_id: Mapped[int] = mapped_column(ForeignKey("employer_program_rules.id"))
    commission_rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("employer_commission_rules.id")
    )
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    commission: Mapped[int]
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    employer: Mapped[Employer] = relationship()

"""Rule versions (rates, income levels, discounts), payments and the months they cover.

Rules are insert-only rows with an effective period by CONTRIBUTION month; every priced month of a
payment records the rate version and discount rule it was computed with (DOMAIN.md §3, STYLE.md).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai import clock
from perisai.db import Base, MonthType, TimestampMixin, UTCDateTime, UUIDType, partial_index
from perisai.months import Month

if TYPE_CHECKING:
    from perisai.workers.models import Worker

CHANNELS = ("cash", "bank", "ewallet", "sponsor")
SPONSOR_TYPES = ("apbn", "apbd", "apbdes", "csr")
# accepted: gives cover; pending_approval: recorded late for months already over, gives no cover
# (and earns no commission) until a supervisor approves it; rejected: never covers.
PAYMENT_STATES = ("accepted", "pending_approval", "rejected")


class RateVersion(Base):
    """Program rates and the income-level table valid from a contribution month onwards.

    The version in force for month M is the one with the latest `effective_from` <= M (ties: the
    newest id), so a later version ends the previous one and a same-month version corrects it.
    """

    __tablename__ = "rate_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[Month] = mapped_column(MonthType, index=True)
    jkk_basis_points: Mapped[int]  # 100 = 1 % of the income level
    jkm_flat: Mapped[int]  # rupiah per month
    jht_basis_points: Mapped[int]  # 200 = 2 %
    source: Mapped[str] = mapped_column(String(200))
    # True while the level steps between the lowest and highest are an unconfirmed assumption [U].
    levels_are_assumption: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    levels: Mapped[list[IncomeLevel]] = relationship(
        back_populates="rate_version", order_by="IncomeLevel.amount"
    )


class IncomeLevel(Base):
    """One declared income level (nominal penghasilan) of a rate version's table."""

    __tablename__ = "income_levels"
    __table_args__ = (UniqueConstraint("rate_version_id", "amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rate_version_id: Mapped[int] = mapped_column(ForeignKey("rate_versions.id"))
    amount: Mapped[int]

    rate_version: Mapped[RateVersion] = relationship(back_populates="levels")


class DiscountRule(Base):
    """A discount on JKK and JKM (never JHT) for contribution months of one sector (or all).

    Where several rules match a month, the newest id wins, so a rule with 0 basis points off
    withdraws an earlier one without editing it.
    """

    __tablename__ = "discount_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    sector: Mapped[str | None] = mapped_column(String(10))  # None: every sector
    effective_from: Mapped[Month] = mapped_column(MonthType)
    effective_to: Mapped[Month] = mapped_column(MonthType)
    basis_points_off: Mapped[int]  # 5000 = 50 % off JKK and JKM
    excluded_funding: Mapped[str] = mapped_column(String(60), default="")  # "apbn,apbd"
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def excluded(self) -> list[str]:
        return [f for f in self.excluded_funding.split(",") if f]

    @property
    def programs(self) -> list[str]:
        return ["JKK", "JKM"]  # a discount is on these two, never on JHT


class LatePaymentRule(Base):
    """How many days after its paid_on a payment may be recorded before, if it would cover a
    month already over on the recording day, it waits for a supervisor's approval.

    Versioned like the rates: the rule in force on a recording day is the one with the latest
    `effective_from` <= that day (ties: the newest id); every payment records the one it used.
    """

    __tablename__ = "late_payment_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(index=True)  # a recording day (WIB)
    max_days_late: Mapped[int]
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Sponsor(TimestampMixin, Base):
    """A payer other than the worker: APBN/APBD/APBDes budgets or a company's CSR."""

    __tablename__ = "sponsors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    type: Mapped[str] = mapped_column(String(8))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    agreement_reference: Mapped[str] = mapped_column(String(120))
    agreement_start: Mapped[date]
    agreement_end: Mapped[date]
    contact_name: Mapped[str] = mapped_column(String(160))
    contact_phone: Mapped[str | None] = mapped_column(String(20))


class SponsorPayment(Base):
    """One sponsor operation paying the same months for a list of participants (all or nothing)."""

    __tablename__ = "sponsor_payments"

    id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True)
    sponsor_id: Mapped[int] = mapped_column(ForeignKey("sponsors.id"), index=True)
    months: Mapped[int]
    paid_on: Mapped[date]
    amount: Mapped[int]
    participants: Mapped[int]
    request_hash: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    sponsor: Mapped[Sponsor] = relationship()
    payments: Mapped[list[Payment]] = relationship(back_populates="sponsor_payment")


class Payment(Base):
    """One contribution payment. Never edited or deleted (see PaymentReversal); only a pending
    one changes, once, when a supervisor decides on it."""

    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_agent_id_paid_on", "agent_id", "paid_on"),
        Index("ix_payments_state_branch_id", "state", "branch_id"),
        CheckConstraint("state IN ('accepted', 'pending_approval', 'rejected')", name="state"),
        UniqueConstraint("agent_id", "client_reference"),
        # an agent's cash, oldest first (its cash in hand, and what a deposit settles)
        partial_index(
            "ix_payments_custodian_id_paid_on",
            "custodian_id",
            "paid_on",
            where="custodian_id IS NOT NULL",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True)  # the client's id
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workers.id"), index=True)
    receipt_number: Mapped[str] = mapped_column(String(40), unique=True)
    amount: Mapped[int]
    months_count: Mapped[int]
    paid_on: Mapped[date]  # indexed by (paid_on, branch_id) and (agent_id, paid_on)
    channel: Mapped[str] = mapped_column(String(8))
    # What the price was computed from, as it stood when the payment was recorded.
    income_level: Mapped[int]
    has_jht: Mapped[bool]
    sector: Mapped[str] = mapped_column(String(10))
    funding: Mapped[str] = mapped_column(String(8))
    # The agent managing the participant when the money came in (collection fee), and the branch.
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("sponsors.id"), index=True)
    sponsor_payment_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("sponsor_payments.id"), index=True
    )
    request_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    state: Mapped[str] = mapped_column(String(16), default="accepted", server_default="accepted")
    # The late-payment rule it was judged by (None: recorded before the rules existed).
    late_rule_id: Mapped[int | None] = mapped_column(ForeignKey("late_payment_rules.id"))
    # A pending payment's approval or rejection: who, when, and the note.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(String(300))
    # The reference the phone printed on a receipt handed over offline (agent code + the
    # device's sequence), so agent and participant can quote it before and after sync.
    client_reference: Mapped[str | None] = mapped_column(String(40))
    # Cash custody (DOMAIN.md §8): the agent holding the cash of a cash payment it recorded,
    # until a deposit the bank confirmed settles it (perisai.cash.settlement). Every other
    # payment is settled when recorded.
    custodian_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Also tells the unit of work that a participant is inserted before its payments when
    # both are flushed together (a sync batch registers and takes the first payment at once).
    worker: Mapped[Worker] = relationship()
    months: Mapped[list[PaymentMonth]] = relationship(
        back_populates="payment", order_by="PaymentMonth.month"
    )
    reversal: Mapped[PaymentReversal | None] = relationship(back_populates="payment")
    sponsor: Mapped[Sponsor | None] = relationship()
    sponsor_payment: Mapped[SponsorPayment | None] = relationship(back_populates="payments")

    @property
    def covers(self) -> list[Month]:
        return [m.month for m in self.months]

    @property
    def is_reversed(self) -> bool:
        return self.reversal is not None

    @property
    def settled(self) -> bool:
        return self.settled_at is not None


class PaymentMonth(Base):
    """One contribution month paid: the row the commission ledger and reports read.

    `active_month` equals `month` while the payment stands and becomes NULL on reversal; the
    unique (worker_id, active_month) lets the database refuse a month paid twice, even by two
    concurrent requests, on SQLite and PostgreSQL alike (NULLs never collide).
    """

    __tablename__ = "payment_months"
    __table_args__ = (
        UniqueConstraint("worker_id", "active_month"),
        Index("ix_payment_months_worker_id_month", "worker_id", "month"),
        Index("ix_payment_months_month", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"), index=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workers.id"))
    month: Mapped[Month] = mapped_column(MonthType)
    active_month: Mapped[Month | None] = mapped_column(MonthType)
    jkk: Mapped[int]
    jkm: Mapped[int]
    jht: Mapped[int]
    total: Mapped[int]
    rate_version_id: Mapped[int] = mapped_column(ForeignKey("rate_versions.id"))
    discount_rule_id: Mapped[int | None] = mapped_column(ForeignKey("discount_rules.id"))
    is_reversed: Mapped[bool] = mapped_column(default=False)

    payment: Mapped[Payment] = relationship(back_populates="months")


class PaymentReversal(Base):
    """The correction entry for a payment recorded by mistake: it reopens the months."""

    __tablename__ = "payment_reversals"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id"), unique=True)
    reason: Mapped[str] = mapped_column(String(300))
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    payment: Mapped[Payment] = relationship(back_populates="reversal")

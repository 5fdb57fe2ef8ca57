"""Commission rule sets, the ledger, month closes, statements and standing flags.

The ledger is append-only. A payment is *posted* into exactly one commission month (the month it
was paid in, or the first month still open for its branch when that month was closed before the
payment reached the server); its reversal is posted, as claw-back entries, into the month it
happened in (or the first open one). Closed months are never written again.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai import clock
from perisai.db import Base, MonthType, UTCDateTime, UUIDType, partial_index
from perisai.months import Month

ENTRY_KINDS = ("acquisition", "collection", "wadah", "reversal")
COMPONENTS = ("acquisition", "collection", "wadah")
FLAG_KINDS = ("warning", "suspended", "below_target")


class CommissionRuleSet(Base):
    """The incentive rules in force from a commission month onwards (DOMAIN.md §4).

    As for contribution rates: the version for month M is the one with the latest
    `effective_from` <= M (ties: newest id). Percentages are basis points (1500 = 15 %).
    """

    __tablename__ = "commission_rule_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[Month] = mapped_column(MonthType, index=True)
    acquisition_fee_with_jht: Mapped[int]  # rupiah per new JKK+JKM+JHT participant
    acquisition_fee_basic: Mapped[int]  # rupiah per new JKK+JKM participant
    acquisition_minimum: Mapped[int]  # new participants needed in the month for any fee
    full_rate_until: Mapped[int]  # contribution month index (1-based) of the last 15 % month
    full_rate_bp: Mapped[int]
    reduced_rate_until: Mapped[int]  # last 5 % month; after it the branch manages the participant
    reduced_rate_bp: Mapped[int]
    wadah_bp: Mapped[int]  # the Wadah's extra share of its agents' incentive
    warning_months: Mapped[int]  # months without acquisition/transaction before a warning flag
    suspend_months: Mapped[int]  # … before the agent is suspended
    reactivation_months: Mapped[int]  # earliest reactivation after a suspension
    wadah_below_target_months: Mapped[int]
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CommissionClose(Base):
    """One branch's month, frozen: statements written, nothing posted into it afterwards."""

    __tablename__ = "commission_closes"
    __table_args__ = (UniqueConstraint("branch_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    month: Mapped[Month] = mapped_column(MonthType)
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("commission_rule_sets.id"))
    statements: Mapped[int]
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class CommissionPosting(Base):
    """Which commission month a payment (and later its reversal) was posted into.

    Like the ledger entries, written only by a month close in one INSERT … SELECT from rows the
    database has already checked; no per-row foreign-key triggers (at a million participants
    they would cost more than the close itself).
    """

    __tablename__ = "commission_postings"
    __table_args__ = (
        Index("ix_commission_postings_month_branch_id", "month", "branch_id"),
        partial_index(
            "ix_commission_postings_clawed_back_month",
            "clawed_back_month",
            where="clawed_back_month IS NOT NULL",
        ),
        partial_index(
            "ix_commission_postings_unsettled_month",
            "month",
            "branch_id",
            where="is_unsettled_cash",
        ),
    )

    payment_id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True)
    branch_id: Mapped[int]
    wadah_id: Mapped[int]
    agent_id: Mapped[int]
    amount: Mapped[int]  # the payment's amount: the month's collected money without a join
    month: Mapped[Month] = mapped_column(MonthType)
    clawed_back_month: Mapped[Month | None] = mapped_column(MonthType)
    # the payment was cash in the agent's custody when posted: its entries are held
    # (perisai.commissions.holds), found without looking at a million payments again
    is_unsettled_cash: Mapped[bool] = mapped_column(default=False, server_default=false())


class CommissionEntry(Base):
    """One line of the ledger, in whole rupiah, with the rule set that produced it.

    kind: acquisition / collection (per covered month) / wadah (the Wadah's share of one agent's
    month) / reversal (the exact negative of an earlier entry: `reverses_id`, same component).
    Ids of agents, branches, Wadah, payments and rule sets are plain columns: see
    CommissionPosting for why there are no per-row foreign-key checks.
    """

    __tablename__ = "commission_entries"
    __table_args__ = (
        # Few and small indexes on purpose: a close inserts a million rows. A payment's entries
        # are found by (agent_id, month) of its posting; acquisitions by worker (partial index).
        Index("ix_commission_entries_agent_id_month", "agent_id", "month"),
        partial_index(
            "ix_commission_entries_acquired_worker_id",
            "worker_id",
            where="component = 'acquisition'",
        ),
        # reversals (few) by the entry they undo: "is this acquisition still standing?"
        partial_index(
            "ix_commission_entries_reverses_id", "reverses_id", where="reverses_id IS NOT NULL"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[Month] = mapped_column(MonthType)
    branch_id: Mapped[int]
    wadah_id: Mapped[int]
    agent_id: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12))
    component: Mapped[str] = mapped_column(String(12))
    worker_id: Mapped[uuid.UUID | None] = mapped_column(UUIDType)
    payment_id: Mapped[uuid.UUID | None] = mapped_column(UUIDType)
    payment_month_id: Mapped[int | None]
    covered_month: Mapped[Month | None] = mapped_column(MonthType)
    month_index: Mapped[int | None]  # contribution month counted from the acquisition month
    base_amount: Mapped[int]  # contribution, nominal acquisition fee, or the agent's total
    rate_bp: Mapped[int | None]
    amount: Mapped[int]
    rule_set_id: Mapped[int]
    reverses_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


# A statement's figures, in the order a close writes them (perisai.commissions.freeze).
STATEMENT_FIGURES = (
    "new_participants",
    "payments",
    "collected_amount",
    "acquisition_fee",
    "collection_fee",
    "total",
    "wadah_fee",
    "held",
    "released",
)


def payable_and_payout(figures: dict) -> dict:
    """A month's figures with what they mean for the transfer: `payable` = total − held (this
    month's incentive paid now), `payout` = payable + released (with what earlier months held
    and this close released: what is transferred for the agent this month)."""
    payable = int(figures["total"]) - int(figures["held"])
    return {**figures, "payable": payable, "payout": payable + int(figures["released"])}


class CommissionStatement(Base):
    """An agent's frozen month (written when the month is closed for the agent's branch)."""

    __tablename__ = "commission_statements"
    __table_args__ = (
        UniqueConstraint("agent_id", "month"),
        Index("ix_commission_statements_branch_id_month", "branch_id", "month"),
        Index("ix_commission_statements_wadah_id_month", "wadah_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[Month] = mapped_column(MonthType)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    wadah_id: Mapped[int] = mapped_column(ForeignKey("wadahs.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    rule_set_id: Mapped[int] = mapped_column(ForeignKey("commission_rule_sets.id"))
    new_participants: Mapped[int]
    payments: Mapped[int]  # payments posted into the month (the agent's transactions)
    collected_amount: Mapped[int]
    acquisition_fee: Mapped[int]
    collection_fee: Mapped[int]
    total: Mapped[int]
    wadah_fee: Mapped[int]
    # the part of `total` held at this close (CommissionHold.month), and what earlier months
    # held and this close released (CommissionHold.released_month)
    held: Mapped[int] = mapped_column(default=0, server_default="0")
    released: Mapped[int] = mapped_column(default=0, server_default="0")
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    paid_on: Mapped[date | None]
    transfer_reference: Mapped[str | None] = mapped_column(String(80))
    paid_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    agent = relationship("Agent")
    wadah = relationship("Wadah")


# What a close writes of a hold, in the order the holds' INSERT … SELECTs give them.
HOLD_COLUMNS = (
    "entry_id",
    "agent_id",
    "branch_id",
    "wadah_id",
    "payment_id",
    "month",
    "amount",
    "reason",
    "cancelled_month",
    "created_at",
)


class CommissionHold(Base):
    """One ledger entry whose incentive a close held back (DOMAIN.md §8): `reason` "cash", an
    acquisition or collection entry on cash still in the agent's custody at the close.

    Released (`released_month`) by the first close after its payment was settled; cancelled
    (`cancelled_month`) when the payment is reversed first: the reversal's claw-back entry is
    held too (a negative amount, cancelled at once), since the agent never got the money the
    claw-back takes back. A statement's `held` is the sum of its month's holds, `released` the
    sum of those released at its close. Written only by a close, in bulk; ids of entries,
    agents and payments are plain columns as in CommissionEntry.
    """

    __tablename__ = "commission_holds"
    __table_args__ = (
        # Few indexes: a close may insert a hold for a tenth of the month's entries.
        UniqueConstraint("entry_id"),  # an entry is held once, whatever the reasons
        Index("ix_commission_holds_month_branch_id", "month", "branch_id"),
        # what a close may release (few rows: cash is settled within days)
        partial_index(
            "ix_commission_holds_open",
            "agent_id",
            where="released_month IS NULL AND cancelled_month IS NULL",
        ),
        partial_index(
            "ix_commission_holds_released_month",
            "released_month",
            "agent_id",
            where="released_month IS NOT NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int]
    agent_id: Mapped[int]
    branch_id: Mapped[int]
    wadah_id: Mapped[int]
    payment_id: Mapped[uuid.UUID | None] = mapped_column(UUIDType)
    month: Mapped[Month] = mapped_column(MonthType)  # the close that held it
    amount: Mapped[int]
    reason: Mapped[str] = mapped_column(String(12))
    released_month: Mapped[Month | None] = mapped_column(MonthType)
    cancelled_month: Mapped[Month | None] = mapped_column(MonthType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class PriorRegistration(Base):
    """A participant whose NIK was registered in the BPU segment before (outside this registry):
    never counted as a new participant for the acquisition fee."""

    __tablename__ = "commission_prior_registrations"

    worker_id: Mapped[uuid.UUID] = mapped_column(
        UUIDType, ForeignKey("workers.id"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(200))
    noted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class StandingFlag(Base):
    """An agent warning or suspension, or a Wadah below target, for one month (DOMAIN.md §4).

    `subject` is "agent:<id>" or "wadah:<id>"; unique per month and kind, so the standing run
    can be repeated without duplicating anything.
    """

    __tablename__ = "commission_standing_flags"
    __table_args__ = (
        UniqueConstraint("month", "subject", "kind"),
        Index("ix_commission_standing_flags_branch_id_month", "branch_id", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[Month] = mapped_column(MonthType)
    subject: Mapped[str] = mapped_column(String(24))
    kind: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(20))  # no_acquisition / no_transaction / target
    months: Mapped[int]  # length of the run that triggered the flag
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    wadah_id: Mapped[int] = mapped_column(ForeignKey("wadahs.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    agent = relationship("Agent", viewonly=True)
    wadah = relationship("Wadah", viewonly=True)

    @property
    def agent_code(self) -> str | None:
        return self.agent.agent_code if self.agent else None

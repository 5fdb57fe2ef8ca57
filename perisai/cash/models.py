"""Cash custody: the limits in force, the agents' deposits, the bank's settlement statements and
their lines, and the column mappings of the banks' exports.

A cash payment an agent records (payments.custodian_id) is in that agent's custody until a
deposit confirmed by the bank settles it (payments.settled_at); deposits are allocated to the
oldest unsettled cash payments first (perisai.cash.settlement).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai import clock
from perisai.db import Base, UTCDateTime, UUIDType

DEPOSIT_CHANNELS = ("bank", "va", "counter")
# recorded: the agent says it deposited; matched: a statement line confirms it; confirmed: a
# supervisor accepted it without a line (with a reason); rejected: it never reached the bank.
DEPOSIT_STATES = ("recorded", "matched", "confirmed", "rejected")
SETTLING_STATES = ("matched", "confirmed")  # what settles cash payments
# unmatched: no deposit found; matched; paired: a supervisor matched it to a deposit by hand;
# dismissed: not an agent's deposit (a reason says what it is); duplicate: already in an
# earlier statement (overlapping exports).
LINE_STATES = ("unmatched", "matched", "paired", "dismissed", "duplicate")


class CashLimit(Base):
    """A cash-in-hand ceiling and a maximum age of undeposited cash, from a day onwards.

    Scope: national (branch and agent empty), a branch, or one agent (an override). For an agent
    on day D the rule is the newest `effective_from` <= D of the narrowest scope that has one
    (ties: the newest id). Insert-only, so every judgement names the version it used.
    """

    __tablename__ = "cash_limits"
    __table_args__ = (
        CheckConstraint("ceiling >= 0 AND max_age_days >= 0", name="non_negative"),
        Index("ix_cash_limits_scope", "agent_id", "branch_id", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    effective_from: Mapped[date]
    ceiling: Mapped[int]  # rupiah in hand; more than this blocks new cash payments
    max_age_days: Mapped[int]  # cash held longer than this blocks new cash payments
    # days after a deposit within which the bank's line may be dated
    match_window_days: Mapped[int] = mapped_column(default=3)
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Deposit(Base):
    """Cash an agent paid in at a bank, a virtual account or a counter."""

    __tablename__ = "cash_deposits"
    __table_args__ = (
        Index("ix_cash_deposits_agent_id_deposited_on", "agent_id", "deposited_on"),
        Index("ix_cash_deposits_branch_id_state", "branch_id", "state"),
        CheckConstraint("amount > 0", name="positive"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True)  # the client's id
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    amount: Mapped[int]
    channel: Mapped[str] = mapped_column(String(8))
    reference: Mapped[str] = mapped_column(String(60))
    # the reference as statements are matched on: upper case, no spaces or dashes
    match_key: Mapped[str] = mapped_column(String(60), index=True)
    deposited_on: Mapped[date]
    photo_key: Mapped[str | None] = mapped_column(String(200))  # the slip, in the file storage
    state: Mapped[str] = mapped_column(String(10), default="recorded")
    request_hash: Mapped[str] = mapped_column(String(64))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # the supervisor's decision on a deposit no statement line confirmed (the line that
    # matched one names it: StatementLine.deposit_id)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_note: Mapped[str | None] = mapped_column(String(300))

    agent = relationship("Agent")

    @property
    def settles(self) -> bool:
        return self.state in SETTLING_STATES


class StatementFormat(Base):
    """Where a bank's export keeps the date, reference and amount (editable data)."""

    __tablename__ = "cash_statement_formats"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    date_column: Mapped[str] = mapped_column(String(60))
    reference_column: Mapped[str] = mapped_column(String(60))
    amount_column: Mapped[str] = mapped_column(String(60))
    date_format: Mapped[str] = mapped_column(String(20))  # strptime, e.g. "%d/%m/%Y"
    delimiter: Mapped[str] = mapped_column(String(1), default=",")
    decimal_mark: Mapped[str] = mapped_column(String(1), default=".")
    skip_rows: Mapped[int] = mapped_column(default=0)  # title lines above the header
    source: Mapped[str] = mapped_column(String(200))


class SettlementStatement(Base):
    """One uploaded bank statement; the same file again is the same statement."""

    __tablename__ = "cash_statements"
    __table_args__ = (UniqueConstraint("branch_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    format_code: Mapped[str] = mapped_column(String(20))
    lines: Mapped[int]
    matched: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class StatementLine(Base):
    """One credit on a bank statement."""

    __tablename__ = "cash_statement_lines"
    __table_args__ = (
        Index("ix_cash_statement_lines_branch_id_state", "branch_id", "state"),
        # one credit once, however many overlapping exports carry it
        Index("ix_cash_statement_lines_fingerprint", "branch_id", "fingerprint"),
        CheckConstraint(
            "state IN ('unmatched', 'matched', 'paired', 'dismissed', 'duplicate')", name="state"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("cash_statements.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))
    line_number: Mapped[int]
    booked_on: Mapped[date]
    reference: Mapped[str] = mapped_column(String(120))
    match_key: Mapped[str] = mapped_column(String(60))
    amount: Mapped[int]
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))
    deposit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cash_deposits.id"))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_note: Mapped[str | None] = mapped_column(String(300))

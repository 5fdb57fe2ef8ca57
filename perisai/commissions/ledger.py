"""The ledger's set-based SQL: which payments a month takes, and the lines they produce.

Every query here is one INSERT … SELECT or one SELECT … GROUP BY over the payment tables, so a
month close costs a handful of statements whatever the number of agents and participants.
The same line builders serve the running estimate of an open month (SELECT) and the close
(INSERT … SELECT), so the estimate is exactly what the close will write.

Which payments land in commission month X for a branch whose first open month is F:
  X == F: every standing payment not yet posted, paid on or before the last day of X
          (so one recorded after an earlier month was closed lands here);
  X >  F: the standing, unposted payments paid within X (earlier open months take the rest).
Reversals of posted payments likewise, by the month (in the branch's time zone) the reversal
was recorded in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Integer,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from perisai import clock
from perisai.agents.models import Agent, Branch, Wadah
from perisai.commissions.models import (
    CommissionEntry,
    CommissionPosting,
    CommissionRuleSet,
    PriorRegistration,
)
from perisai.commissions.rules import FULL
from perisai.contributions.models import Payment, PaymentMonth, PaymentReversal
from perisai.db import UTCDateTime
from perisai.months import Month
from perisai.workers.models import Worker

B = Branch.__table__
P = Payment.__table__
PM = PaymentMonth.__table__
R = PaymentReversal.__table__
W = Worker.__table__
A = Agent.__table__
WD = Wadah.__table__
PO = CommissionPosting.__table__
E = CommissionEntry.__table__
PR = PriorRegistration.__table__

LINE_COLUMNS = (
    "month",
    "branch_id",
    "wadah_id",
    "agent_id",
    "kind",
    "component",
    "worker_id",
    "payment_id",
    "payment_month_id",
    "covered_month",
    "month_index",
    "base_amount",
    "rate_bp",
    "amount",
    "rule_set_id",
    "reverses_id",
)


def month_start_utc(month: Month, branch_id=None):
    """00:00 on the first day of `month` in a branch's time zone, as a UTC timestamp: for a
    column of branch ids, a SQL expression (each row's own branch's zone); for None, WIB."""
    if branch_id is None:
        return clock.start_of_month(month)
    # correlated to the row's branch id, also inside an UPDATE's EXISTS (explicitly: SQLAlchemy
    # would otherwise add that row's table to the subquery's FROM)
    zone = select(B.c.time_zone).where(B.c.id == branch_id).correlate_except(B).scalar_subquery()
    starts = {name: _moment(clock.start_of_month(month, name)) for name in clock.ZONES}
    return case(starts, value=zone, else_=starts[clock.DEFAULT_ZONE])


def _moment(value: datetime):
    return literal(value, UTCDateTime())


def _text(value: str):
    # Constants are inlined (they come from code, never from a request) so a UNION's columns
    # have a type on PostgreSQL.
    return literal_column(f"'{value}'")


def _int(value: int | None):
    return cast(null(), Integer) if value is None else literal_column(str(int(value)))


def month_number(column):
    """'YYYY-MM' → year × 12 + month, in SQL (SQLite and PostgreSQL alike)."""
    return cast(func.substr(column, 1, 4), Integer) * 12 + cast(func.substr(column, 6, 2), Integer)


def rounded(numerator, bp):
    """round_half_up(numerator × bp / 10 000) for a non-negative numerator, in SQL."""
    return (cast(numerator, BigInteger) * _int(bp) + _int(FULL // 2)) // _int(FULL)


def rounded_signed(numerator, bp):
    """The same, halves away from zero for negative totals (claw-back months)."""
    return case((numerator >= 0, rounded(numerator, bp)), else_=-rounded(-numerator, bp))


@dataclass(frozen=True)
class Window:
    """What a month takes: for which branches/agents, and whether it sweeps earlier months."""

    month: Month
    upto: bool  # True: the first open month (takes late items); False: only the month itself
    branch_ids: tuple[int, ...] | None = None  # None: every branch
    agent_ids: tuple[int, ...] | None = None
    # With upto: a payment paid before `month` can be unposted only if it was recorded after
    # the last close (which posted every payment then stored): so one paid earlier and
    # recorded before this instant is skipped without looking for its posting. The estimate
    # sets it (a day before the last close, for requests still in flight then); a close does
    # not, and looks at every payment.
    recorded_since: datetime | None = None

    def scope(self, branch_column, agent_column) -> list:
        clauses = []
        if self.branch_ids is not None:
            clauses.append(branch_column.in_(self.branch_ids))
        if self.agent_ids is not None:
            clauses.append(agent_column.in_(self.agent_ids))
        return clauses


# --- which payments and reversals ------------------------------------------------------------


def candidate_payments(window: Window):
    """Standing payments not posted yet that this open month takes: the batch of an estimate."""
    month = window.month
    clauses = [
        P.c.paid_on <= month.last_day(),
        P.c.state == "accepted",  # a payment awaiting approval earns nothing (yet)
        ~exists().where(PO.c.payment_id == P.c.id),
        ~exists().where(R.c.payment_id == P.c.id),
        *window.scope(WD.c.branch_id, A.c.id),
    ]
    if not window.upto:
        clauses.append(P.c.paid_on >= month.first_day())
    elif window.recorded_since is not None:
        since = window.recorded_since  # approved since the last close: unposted too
        clauses.append(
            or_(P.c.paid_on >= month.first_day(), P.c.created_at >= since, P.c.decided_at >= since)
        )
    return (
        select(
            P.c.id.label("payment_id"),
            P.c.agent_id.label("agent_id"),
            A.c.wadah_id.label("wadah_id"),
            WD.c.branch_id.label("branch_id"),
            P.c.amount.label("amount"),
            unsettled_cash().label("is_unsettled_cash"),
        )
        .select_from(P.join(A, A.c.id == P.c.agent_id).join(WD, WD.c.id == A.c.wadah_id))
        .where(*clauses)
    )


def unsettled_cash(payments=P):
    """Cash an agent took and the bank has not confirmed yet (perisai.cash.settlement)."""
    return and_(payments.c.custodian_id.is_not(None), payments.c.settled_at.is_(None))


def posted_payments(month: Month, branch_ids: tuple[int, ...], agent_ids=None):
    """The payments posted into a (closed or closing) month: the batch of a close."""
    window = Window(month, True, branch_ids, agent_ids)
    return select(PO.c.payment_id, PO.c.agent_id, PO.c.wadah_id, PO.c.branch_id, PO.c.amount).where(
        PO.c.month == str(month), *window.scope(PO.c.branch_id, PO.c.agent_id)
    )


def reversals_to_claw_back(window: Window):
    """Posted payments reversed in this open month and not clawed back yet."""
    month = window.month
    clauses = [
        PO.c.clawed_back_month.is_(None),
        R.c.created_at < month_start_utc(month + 1, PO.c.branch_id),
        *window.scope(PO.c.branch_id, PO.c.agent_id),
    ]
    if not window.upto:
        clauses.append(R.c.created_at >= month_start_utc(month, PO.c.branch_id))
    return (
        select(PO.c.payment_id, PO.c.agent_id, PO.c.month)
        .select_from(PO.join(R, R.c.payment_id == PO.c.payment_id))
        .where(*clauses)
    )


# --- the lines a batch produces ---------------------------------------------------------------


def _month_line(b, month: Month, rule, kind: str, month_index, base_amount, rate_bp, amount):
    """The LINE_COLUMNS of a line on one covered month (PM) of a payment in the batch `b`."""
    return (
        _text(str(month)).label("month"),
        b.c.branch_id,
        b.c.wadah_id,
        b.c.agent_id,
        _text(kind).label("kind"),
        _text(kind).label("component"),
        PM.c.worker_id,
        PM.c.payment_id,
        PM.c.id.label("payment_month_id"),
        PM.c.month.label("covered_month"),
        month_index.label("month_index"),
        base_amount.label("base_amount"),
        rate_bp.label("rate_bp"),
        amount.label("amount"),
        _int(rule.id).label("rule_set_id"),
        _int(None).label("reverses_id"),
    )


def collection_lines(batch, month: Month, rule: CommissionRuleSet):
    """One line per covered month: the band by the month's index since acquisition."""
    b = batch.subquery("batch")
    index = (
        month_number(PM.c.month) - month_number(func.coalesce(W.c.first_paid_month, PM.c.month)) + 1
    )
    rate = case(
        (index <= rule.full_rate_until, _int(rule.full_rate_bp)),
        (index <= rule.reduced_rate_until, _int(rule.reduced_rate_bp)),
        else_=_int(0),
    )
    amount = (cast(PM.c.total, BigInteger) * rate + _int(FULL // 2)) // _int(FULL)
    return (
        select(*_month_line(b, month, rule, "collection", index, PM.c.total, rate, amount))
        .select_from(
            b.join(PM, PM.c.payment_id == b.c.payment_id).join(W, W.c.id == PM.c.worker_id)
        )
        .where(rate > 0)
    )


def acquisition_lines(batch, month: Month, rule: CommissionRuleSet):
    """One line per participant acquired: the payment holding the worker's first paid month,
    for a NIK not registered in BPU before, and no acquisition of the worker still standing.
    The package is read from the month paid (JHT paid or not). The fee is paid only when the
    agent reaches the month's minimum (a window count over the agent's acquisitions)."""
    b = batch.subquery("batch")
    earlier, undone = E.alias("earlier"), E.alias("undone")
    # The reversal of an entry is found by reverses_id alone (it is the same participant's):
    # correlated to the participant as well, PostgreSQL hashed every acquisition ever made.
    still_acquired = exists().where(
        earlier.c.worker_id == W.c.id,
        earlier.c.component == "acquisition",
        earlier.c.kind == "acquisition",
        ~exists().where(
            undone.c.reverses_id == earlier.c.id,
            undone.c.component == "acquisition",
        ),
    )
    nominal = case(
        (PM.c.jht > 0, _int(rule.acquisition_fee_with_jht)),
        else_=_int(rule.acquisition_fee_basic),
    )
    acquired = func.count().over(partition_by=b.c.agent_id)
    amount = case((acquired >= rule.acquisition_minimum, nominal), else_=_int(0))
    return (
        select(*_month_line(b, month, rule, "acquisition", _int(1), nominal, _int(None), amount))
        .select_from(
            b.join(PM, PM.c.payment_id == b.c.payment_id).join(
                W, and_(W.c.id == PM.c.worker_id, W.c.first_paid_month == PM.c.month)
            )
        )
        .where(
            ~exists().where(PR.c.worker_id == W.c.id),
            ~still_acquired,
        )
    )


def reversal_of_entries(month: Month):
    """The exact negative of each selected ledger entry (`E`), as a line of `month`."""
    return select(
        _text(str(month)).label("month"),
        E.c.branch_id,
        E.c.wadah_id,
        E.c.agent_id,
        _text("reversal").label("kind"),
        E.c.component,
        E.c.worker_id,
        E.c.payment_id,
        E.c.payment_month_id,
        E.c.covered_month,
        E.c.month_index,
        E.c.base_amount,
        E.c.rate_bp,
        (-E.c.amount).label("amount"),
        E.c.rule_set_id,
        E.c.id.label("reverses_id"),
    )


def clawback_lines(reversed_postings, month: Month):
    """The exact negative of every entry a reversed payment produced, in this month.
    `reversed_postings` selects (payment_id, agent_id, month) of the postings to undo."""
    r = reversed_postings.subquery("undo")
    return reversal_of_entries(month).select_from(
        E.join(
            r,
            and_(
                E.c.agent_id == r.c.agent_id,
                E.c.month == r.c.month,
                E.c.payment_id == r.c.payment_id,
                E.c.kind.in_(("acquisition", "collection")),
            ),
        )
    )


def all_lines(batch, reversed_payments, month: Month, rule: CommissionRuleSet):
    return union_all(
        clawback_lines(reversed_payments, month),
        collection_lines(batch, month, rule),
        acquisition_lines(batch, month, rule),
    )


# --- per-agent sums ---------------------------------------------------------------------------


def sums_by_agent(lines):
    """new participants and the fee components per agent, from a set of lines."""
    s = lines.subquery("lines")
    return select(s.c.agent_id, *sum_columns(s)).group_by(s.c.agent_id)


def sum_columns(s) -> list:
    """The aggregates of `sums_by_agent` over the lines `s` (a subquery)."""
    return [
        func.sum(case((s.c.kind == "acquisition", 1), else_=0)).label("new_participants"),
        func.sum(case((s.c.component == "acquisition", s.c.amount), else_=0)).label(
            "acquisition_fee"
        ),
        func.sum(case((s.c.component == "collection", s.c.amount), else_=0)).label(
            "collection_fee"
        ),
    ]


def payments_by_agent(batch):
    """Payments (the agent's transactions) and the money collected, per agent."""
    b = batch.subquery("paid")
    return select(
        b.c.agent_id,
        func.count().label("payments"),
        func.sum(b.c.amount).label("collected_amount"),
    ).group_by(b.c.agent_id)

"""The monthly rollups: set-based INSERT … SELECT per (branch, month), never rows in Python.

Definitions, for a month M (months and registration days counted in the branch's time zone,
WIB, WITA or WIT: a branch's rows are computed with its own zone's month bounds):

- new_participants — participants registered (created) in M, counted for the agent who
  registered them (`registered_by_id`).
- first_payments — participants whose first paid contribution month (`first_paid_month`) is M:
  the month they count as acquired (DOMAIN.md §4), for the registering agent.
- active_participants — participants with a standing (not reversed) covered month M, for the
  agent who manages them (`managed_by_id`). A month paid later as arrears counts once it is paid.
- grace_participants — not covered in M but covered in one of M-3 … M-1 (arrears still payable).
- ended_participants — covered in M-4 and in none of M-3 … M: their membership ended in M.
- collected_amount / payments_count — standing payments paid in M (by `paid_on`), for the agent
  recorded on the payment (who managed the participant when the money came in).
- acquired_N / retained_N (N = 0, 3, 6, 12) — participants the agent acquired in M-N or earlier
  (`first_paid_month` <= M-N) / those of them active in M. retention_N = retained_N / acquired_N:
  the share of participants acquired at least N months ago still active; retention_0 is the
  share of everyone the agent ever acquired who is active now (the API's `retention_rate`).
- last_activity_on — the last day in M the agent registered someone or took a payment.
- registered_total (branch) — participants registered by the end of M.
- district rows — registered by the end of M, and active in M, per domicile district.

Which branches a statement covers is a branch filter (`BranchFilter`): a function of a branch-id
column giving the condition, as `Scope.branches` is; `ensure_rollups` takes the reader's `Scope`,
`refresh_month` the ids it recomputes (`among`). Every branch is `true()`: no list of ids.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Date,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    literal,
    null,
    select,
    text,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents.models import Branch
from perisai.auth.permissions import Scope
from perisai.contributions.models import Payment, PaymentMonth, PaymentReversal
from perisai.db import MonthType
from perisai.months import Month
from perisai.reports.freshness import write_pending
from perisai.reports.models import AgentMonth, BranchMonth, DistrictMonth, RollupState
from perisai.workers.models import GRACE_MONTHS, Worker

RETENTION_LAGS = (0, 3, 6, 12)
AGENT_COUNTERS = (
    "new_participants",
    "first_payments",
    "active_participants",
    "grace_participants",
    "ended_participants",
    "collected_amount",
    "payments_count",
    "registered_total",
    *(f"{kind}_{n}" for n in RETENTION_LAGS for kind in ("acquired", "retained")),
)
BRANCH_COUNTERS = (*AGENT_COUNTERS[:6], "registered_total")

BranchFilter = Callable[..., ColumnElement[bool]]  # branch-id column → condition


def among(branch_ids: list[int] | None) -> BranchFilter:
    """The filter of these branches (None: every branch, no condition)."""
    if branch_ids is None:
        return lambda column: true()
    ids = list(branch_ids)
    return lambda column: column.in_(ids)


def month_start(month: Month, zone: str | None = None) -> datetime:
    """00:00 on the first day of the month in the branch's zone (WIB when None)."""
    return clock.start_of_month(month, zone)


def zone_groups(session: Session, branches: BranchFilter) -> list[tuple[str, BranchFilter]]:
    """The branches by time zone, each group computed with its own month bounds: one group
    keeps `branches` as given (every branch: no condition), several list their ids."""
    stmt = select(Branch.id, Branch.time_zone).where(branches(Branch.id))
    by_zone: dict[str, list[int]] = {}
    for branch_id, zone in session.execute(stmt.order_by(Branch.id)):
        by_zone.setdefault(zone or clock.DEFAULT_ZONE, []).append(branch_id)
    if len(by_zone) <= 1:
        return [(next(iter(by_zone), clock.DEFAULT_ZONE), branches)]
    return [(zone, among(ids)) for zone, ids in sorted(by_zone.items())]


def _m(month: Month):
    return literal(month, MonthType)


def _part(branch, agent, where_branch, source, **metrics):
    """One UNION ALL member: (branch_id, agent_id, every counter, last_activity_on)."""
    columns = [branch.label("branch_id"), agent.label("agent_id")]
    columns += [metrics.get(name, literal(0)).label(name) for name in AGENT_COUNTERS]
    columns.append(
        metrics.get("last_activity_on", type_coerce(null(), Date)).label("last_activity_on")
    )
    stmt = select(*columns).select_from(source)
    if where_branch is not None:
        stmt = stmt.where(where_branch)
    return stmt.group_by(branch, agent)


def coverage_window(month: Month, branches: BranchFilter):
    """One scan of the covered months M-4 … M: per participant, which of them are covered.

    Active (M), grace (some of M-3 … M-1 but not M) and ended (M-4 but none of M-3 … M) all
    come from this single pass (a CTE, read twice: by managing and by registering agent).
    """
    w, pm = Worker, PaymentMonth

    def has(condition):
        return func.max(case((condition, 1), else_=0))

    stmt = (
        select(
            w.branch_id.label("branch_id"),
            w.managed_by_id.label("managed_by_id"),
            w.registered_by_id.label("registered_by_id"),
            w.first_paid_month.label("first_paid_month"),
            has(pm.month == _m(month)).label("in_month"),
            has(pm.month.between(_m(month - GRACE_MONTHS), _m(month - 1))).label("in_grace_window"),
            has(pm.month == _m(month - GRACE_MONTHS - 1)).label("in_month_4"),
            has(pm.month >= _m(month - GRACE_MONTHS)).label("in_last_4"),
        )
        .select_from(pm.__table__.join(w.__table__, w.id == pm.worker_id))
        .where(
            pm.month.between(_m(month - GRACE_MONTHS - 1), _m(month)),
            pm.active_month.isnot(None),
            branches(w.branch_id),
        )
        .group_by(w.id, w.branch_id, w.managed_by_id, w.registered_by_id, w.first_paid_month)
    )
    return stmt.cte("coverage_window")


def agent_parts(month: Month, branches: BranchFilter, zone: str | None = None):
    """The UNION ALL members of a month's agent counters: registrations and first payments
    (by registering agent), coverage (by managing and by registering agent), payments."""
    return [
        *_registration_parts(month, branches, zone),
        *_coverage_parts(month, coverage_window(month, branches)),
        _payment_part(month, branches),
    ]


def _registration_parts(month: Month, branches: BranchFilter, zone):
    w = Worker
    start, end = month_start(month, zone), month_start(month + 1, zone)
    in_w = branches(w.branch_id)

    def first_paid_by(lag):
        return func.sum(case((w.first_paid_month <= _m(month - lag), 1), else_=0))

    def part(where, **metrics):
        return _part(w.branch_id, w.registered_by_id, and_(where, in_w), w.__table__, **metrics)

    return [
        part(w.created_at < end, registered_total=func.count()),
        part(
            and_(w.created_at >= start, w.created_at < end),
            new_participants=func.count(),
            last_activity_on=type_coerce(func.max(func.date(w.created_at)), Date),
        ),
        part(w.first_paid_month == _m(month), first_payments=func.count()),
        part(
            w.first_paid_month <= _m(month),
            **{f"acquired_{n}": first_paid_by(n) for n in RETENTION_LAGS},
        ),
    ]


def _coverage_parts(month: Month, window):
    c = window.c

    def count_of(condition):
        return func.sum(case((condition, 1), else_=0))

    retained = {
        f"retained_{n}": count_of((c.in_month == 1) & (c.first_paid_month <= _m(month - n)))
        for n in RETENTION_LAGS
    }
    return [
        _part(
            c.branch_id,
            c.managed_by_id,
            None,
            window,
            active_participants=func.sum(c.in_month),
            grace_participants=count_of((c.in_grace_window == 1) & (c.in_month == 0)),
            ended_participants=count_of((c.in_month_4 == 1) & (c.in_last_4 == 0)),
        ),
        _part(c.branch_id, c.registered_by_id, None, window, **retained),
    ]


def _payment_part(month: Month, branches: BranchFilter):
    p = Payment
    standing = ~exists().where(PaymentReversal.payment_id == p.id)
    p_where = and_(
        p.paid_on >= month.first_day(),
        p.paid_on < (month + 1).first_day(),
        standing,
        branches(p.branch_id),
    )
    return _part(
        p.branch_id,
        p.agent_id,
        p_where,
        p.__table__,
        collected_amount=func.sum(p.amount),
        payments_count=func.count(),
        last_activity_on=func.max(p.paid_on),
    )


def district_parts(month: Month, branches: BranchFilter, zone: str | None = None):
    w, pm = Worker, PaymentMonth
    district = func.substr(w.village_code, 1, 8)
    registered = and_(w.created_at < month_start(month + 1, zone), branches(w.branch_id))
    active = and_(pm.month == month, pm.active_month == month, branches(w.branch_id))
    return [
        select(
            w.branch_id.label("branch_id"),
            district.label("district_code"),
            func.count().label("registered"),
            literal(0).label("active"),
        )
        .where(registered)
        .group_by(w.branch_id, district),
        select(
            w.branch_id.label("branch_id"),
            district.label("district_code"),
            literal(0).label("registered"),
            func.count().label("active"),
        )
        .select_from(pm.__table__.join(w.__table__, w.id == pm.worker_id))
        .where(active)
        .group_by(w.branch_id, district),
    ]


def no_jit(session: Session) -> None:
    """PostgreSQL's JIT compiles report statements for longer than they run: off, for this
    transaction only."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def refresh_month(session: Session, month: Month, branch_ids: list[int] | None = None) -> int:
    """Recompute the rollups of `month` for these branches (None: every branch).

    Returns the number of (branch, month) pairs now current. Flushes, never commits.
    """
    session.flush()
    no_jit(session)
    branches = among(branch_ids)
    targets = (
        list(branch_ids)
        if branch_ids is not None
        else list(session.scalars(select(Branch.id).order_by(Branch.id)))
    )
    for model in (AgentMonth, BranchMonth, DistrictMonth, RollupState):
        session.execute(delete(model).where(model.month == month, branches(model.branch_id)))
    if not targets:
        return 0
    session.execute(
        insert(RollupState),
        [
            {"branch_id": b, "month": month, "is_stale": False, "computed_at": clock.now()}
            for b in targets
        ],
    )
    groups = zone_groups(session, branches)
    for zone, group in groups:
        session.execute(_agent_months_insert(month, group, zone))
    session.execute(_branch_months_insert(month, branches))
    for zone, group in groups:
        session.execute(_district_months_insert(month, group, zone))
    return len(targets)


def _agent_months_insert(month: Month, branches: BranchFilter, zone):
    parts = union_all(*agent_parts(month, branches, zone)).subquery()
    sums = [func.coalesce(func.sum(getattr(parts.c, name)), 0) for name in AGENT_COUNTERS]
    return insert(AgentMonth).from_select(
        ["branch_id", "month", "agent_id", *AGENT_COUNTERS, "last_activity_on"],
        select(
            parts.c.branch_id,
            _m(month),
            parts.c.agent_id,
            *sums,
            func.max(parts.c.last_activity_on),
        ).group_by(parts.c.branch_id, parts.c.agent_id),
    )


def _branch_months_insert(month: Month, branches: BranchFilter):
    """A branch's month: its agents' months summed (they were just written)."""
    branch_sums = select(
        AgentMonth.branch_id,
        _m(month),
        *[func.sum(getattr(AgentMonth, name)) for name in BRANCH_COUNTERS],
    ).where(AgentMonth.month == month, branches(AgentMonth.branch_id))
    return insert(BranchMonth).from_select(
        ["branch_id", "month", *BRANCH_COUNTERS], branch_sums.group_by(AgentMonth.branch_id)
    )


def _district_months_insert(month: Month, branches: BranchFilter, zone):
    districts = union_all(*district_parts(month, branches, zone)).subquery()
    return insert(DistrictMonth).from_select(
        ["branch_id", "month", "district_code", "registered", "active"],
        select(
            districts.c.branch_id,
            _m(month),
            districts.c.district_code,
            func.sum(districts.c.registered),
            func.sum(districts.c.active),
        ).group_by(districts.c.branch_id, districts.c.district_code),
    )


def ensure_rollups(session: Session, months: list[Month], scope: Scope) -> int:
    """Make the rollups of these months current for the scope's branches; returns how many
    (branch, month) pairs had to be recomputed. Concurrent refreshes of the same pair are
    harmless: the loser's savepoint is rolled back and the winner's rows are read."""
    write_pending(session)  # this transaction's own writes first
    no_jit(session)
    wanted = set(scope.branch_ids(session))
    if not wanted or not months:
        return 0
    fresh_stmt = select(RollupState.branch_id, RollupState.month).where(
        RollupState.month.in_(months),
        RollupState.is_stale.is_(False),
        scope.branches(RollupState.branch_id),
    )
    fresh: dict[Month, set[int]] = {}
    for branch_id, month in session.execute(fresh_stmt):
        fresh.setdefault(month, set()).add(branch_id)
    refreshed = 0
    for month in months:
        missing = wanted - fresh.get(month, set())
        if not missing:
            continue
        everything = scope.every_branch and missing == wanted
        try:
            with session.begin_nested():
                refreshed += refresh_month(session, month, None if everything else sorted(missing))
        except IntegrityError:
            continue
    return refreshed

"""Closing a commission month: which months are closed per branch, whether a request (API,
supervisor page, CLI) may close one (only a month that has ended in every branch's time zone,
and never an earlier open month the caller did not name), which months a close will close (so
that a supervisor can confirm them first), and the close itself.

`close_commission_month` closes earlier open months first, in order (a month takes the late
payments of the months before it only once those are closed); perisai.commissions.freeze writes
each month. See perisai.commissions.ledger for which payments a month takes and the SQL that
turns them into ledger lines; perisai.commissions.rules for the rule sets and the rounding rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from perisai import clock, zones
from perisai.agents.models import Branch
from perisai.audit.operations import Actor, record_many
from perisai.auth.permissions import Scope
from perisai.commissions import freeze
from perisai.commissions.ledger import PO, WD, A, P, R
from perisai.commissions.models import CommissionClose, CommissionStatement
from perisai.errors import Conflict, field_error
from perisai.months import Month


def _month(value) -> Month | None:
    if value is None or isinstance(value, Month):
        return value
    return Month.parse(str(value))


def last_closed_months(session: Session, branch_ids=None) -> dict[int, Month]:
    stmt = select(CommissionClose.branch_id, func.max(CommissionClose.month)).group_by(
        CommissionClose.branch_id
    )
    if branch_ids is not None:
        stmt = stmt.where(CommissionClose.branch_id.in_(list(branch_ids)))
    return {branch: _month(month) for branch, month in session.execute(stmt)}


def earliest_unposted_months(session: Session, branch_ids: list[int]) -> dict[int, Month]:
    """The month of the oldest payment still waiting to be posted, per never-closed branch."""
    if not branch_ids:
        return {}
    stmt = (
        select(WD.c.branch_id, func.min(P.c.paid_on))
        .select_from(P.join(A, A.c.id == P.c.agent_id).join(WD, WD.c.id == A.c.wadah_id))
        .where(
            WD.c.branch_id.in_(branch_ids),
            ~exists().where(PO.c.payment_id == P.c.id),
            ~exists().where(R.c.payment_id == P.c.id),
        )
        .group_by(WD.c.branch_id)
    )
    return {branch: Month.of(_as_date(day)) for branch, day in session.execute(stmt) if day}


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def first_open_months(session: Session, month: Month, branch_ids: list[int]) -> dict[int, Month]:
    """Per branch, the first month a close of `month` would close (after `month`: nothing)."""
    last = last_closed_months(session, branch_ids)
    never_closed = [b for b in branch_ids if b not in last]
    earliest = earliest_unposted_months(session, never_closed)
    return {b: last[b] + 1 if b in last else min(earliest.get(b, month), month) for b in branch_ids}


def _earlier_open(first_open: dict[int, Month], month: Month) -> list[Month]:
    start = min((m for m in first_open.values() if m < month), default=month)
    return [start + n for n in range(month - start)]


def months_to_close(session: Session, *, month: Month, branch_ids: list[int]) -> list[Month]:
    """What closing `month` would close, oldest first: the earlier months still open in any of
    the branches, then `month` unless it is closed in all of them already."""
    first_open = first_open_months(session, month, branch_ids)
    tail = [month] if any(start <= month for start in first_open.values()) else []
    return [*_earlier_open(first_open, month), *tail]


def check_month_ended(session: Session, month: Month, branch_ids: list[int]) -> None:
    """A month is closed only once it has ended in the branch's own time zone: payments
    recorded later that day would otherwise count towards the next month."""
    zones = set(session.scalars(select(Branch.time_zone).where(Branch.id.in_(branch_ids))))
    for zone in sorted(zones, key=lambda name: clock.zone(name).utcoffset(None)):
        current = clock.this_month(zone)
        if month > current:
            raise field_error("month", f"commissions.month_future|{month}", location="path")
        if month == current:
            token = f"commissions.month_not_ended|{month}|{zone}|{month.last_day().isoformat()}"
            raise field_error("month", token, location="path")


@dataclass
class ClosedBranch:
    branch: str
    closed_months: list[Month]

    @property
    def already_closed(self) -> bool:
        return not self.closed_months


@dataclass
class CloseResult:
    month: Month
    closed: dict[int, list[Month]] = field(default_factory=dict)  # branch → months closed now
    statements: int = 0
    codes: dict[int, str] = field(default_factory=dict)  # branch id → code

    @property
    def branches(self) -> list[ClosedBranch]:
        return [
            ClosedBranch(self.codes.get(branch), months)
            for branch, months in sorted(self.closed.items())
        ]


def close_month(
    session: Session,
    *,
    month: Month,
    branch_ids: list[int],
    including: Iterable[Month] = (),
    closed_by=None,
) -> CloseResult:
    """Close `month` for the branches. Earlier months still open are closed too, first and in
    order, but only when every one of them is named in `including`; otherwise 409 listing
    them (`open_months`). Closing a closed month changes nothing. Records the close's audit
    events (`_audit`), in the session's transaction."""
    including = set(including)
    later = sorted(m for m in including if m >= month)
    if later:
        raise field_error("including", f"commissions.including_not_earlier|{later[0]}|{month}")
    check_month_ended(session, month, branch_ids)
    # One close per branch at a time: a second request waits here, then finds the month closed.
    session.execute(
        select(Branch.id).where(Branch.id.in_(branch_ids)).order_by(Branch.id).with_for_update()
    )
    earlier = _earlier_open(first_open_months(session, month, branch_ids), month)
    unnamed = [m for m in earlier if m not in including]
    if unnamed:
        token = f"commissions.earlier_open|{month}|{', '.join(map(str, unnamed))}"
        raise Conflict(
            token, {"json": {"including": [token]}}, extra={"open_months": list(map(str, earlier))}
        )
    result = close_commission_month(
        session, month=month, branch_ids=branch_ids, closed_by=closed_by
    )
    _audit(session, result)
    return result


def _audit(session: Session, result: CloseResult) -> None:
    """One event per month the close stands for, by whoever closes (the request's user or the
    CLI command): the month asked for (closed now or already) and each earlier one it closed."""
    months = {result.month, *(m for closed in result.closed.values() for m in closed)}
    record_many(session, Actor.current(), [("close", "month", m) for m in sorted(months)])


def close_commission_month(
    session: Session,
    *,
    month: Month,
    branch_ids: list[int],
    closed_by=None,
    today: date | None = None,
) -> CloseResult:
    """Freeze `month` for the branches. Earlier months still open are closed first, in order
    (a month takes the late payments of the months before it only once those are closed).
    Closing a closed month changes nothing."""
    # Not a month still to come in any of the branches' time zones.
    today = today or min(
        (zones.today_of_branch(session, b) for b in branch_ids), default=clock.today()
    )
    if month > Month.of(today):
        raise field_error("month", f"commissions.month_future|{month}", location="path")
    # One close per branch at a time: a second request waits here, then finds the month closed.
    session.execute(
        select(Branch.id).where(Branch.id.in_(branch_ids)).order_by(Branch.id).with_for_update()
    )
    first_open = first_open_months(session, month, branch_ids)
    result = CloseResult(month=month, closed={b: [] for b in branch_ids})
    freeze.tune(session)
    current = min(first_open.values(), default=month + 1)
    while current <= month:
        group = tuple(sorted(b for b in branch_ids if first_open[b] <= current))
        if group:
            freeze.freeze_month(session, current, group, closed_by)
            for branch in group:
                result.closed[branch].append(current)
        current += 1
    result.statements = session.scalar(
        select(func.count())
        .select_from(CommissionStatement)
        .where(
            CommissionStatement.month == month,
            CommissionStatement.branch_id.in_(branch_ids),
        )
    )
    result.codes = branch_codes(session, branch_ids)
    return result


def branch_ids_for_close(session: Session, scope: Scope, branch_code: str | None) -> list[int]:
    """The branches a close covers (the API and the CLI), for a branch named by its code ('all'
    or nothing: no choice): `scope.within(branch).branch_ids()`, as the months page asks. A
    code unknown or outside the caller's scope is refused (422)."""
    if branch_code in (None, "", "all"):
        return scope.within(None).branch_ids(session)
    branch = session.scalar(select(Branch).where(Branch.code == branch_code))
    if branch is None or not scope.allows_branch(branch.id):
        raise field_error("branch", "commissions.unknown_branch", location="query")
    return scope.within(branch.id).branch_ids(session)


def branch_codes(session: Session, branch_ids) -> dict[int, str]:
    rows = session.execute(select(Branch.id, Branch.code).where(Branch.id.in_(list(branch_ids))))
    return dict(rows.all())

"""Closing a commission month on request (API, supervisor page, CLI): only a month that has
ended in every branch's time zone, and never an earlier open month the caller did not name.

`operations.close_commission_month` does the closing itself (and closes earlier open months
first, in order); this module decides whether a request may have it done, and says which
months a close will close so that a supervisor can confirm them first.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

import perisai.commissions.messages  # noqa: F401 - registers the messages
from perisai import clock
from perisai.agents.models import Branch
from perisai.commissions import operations
from perisai.errors import Conflict, field_error
from perisai.months import Month


def first_open_months(session: Session, month: Month, branch_ids: list[int]) -> dict[int, Month]:
    """Per branch, the first month a close of `month` would close (after `month`: nothing)."""
    last = operations.last_closed_months(session, branch_ids)
    never_closed = [b for b in branch_ids if b not in last]
    earliest = operations.earliest_unposted_months(session, never_closed)
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


def close_month(
    session: Session,
    *,
    month: Month,
    branch_ids: list[int],
    including: Iterable[Month] = (),
    closed_by=None,
) -> operations.CloseResult:
    """Close `month` for the branches. Earlier months still open are closed too, first and in
    order, but only when every one of them is named in `including`; otherwise 409 listing
    them (`open_months`). Closing a closed month changes nothing."""
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
    return operations.close_commission_month(
        session, month=month, branch_ids=branch_ids, closed_by=closed_by
    )

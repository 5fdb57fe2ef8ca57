"""The overview's comparison with last month: like with like, coloured by what is good.

A month still in progress (today is in it) is compared with the same days of last month where
a figure has a day: participants registered (`created_at`, the branch's zone) and
contributions collected (`paid_on`), counted as the rollups count them
(perisai.reports.rollups). The other figures are states of a whole month (active, in grace,
ended, first paid month): a month in progress is not yet comparable with a finished one, so
they show last month's figure without a change, and the page says the month is in progress.

More is better for every figure except participants in grace and memberships ended: a rise
there is bad news (red), a fall good news (green).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.auth.permissions import Scope
from perisai.contributions.models import Payment, PaymentReversal
from perisai.months import Month
from perisai.reports.figures import OVERVIEW_FIGURES
from perisai.reports.rollups import zone_groups
from perisai.workers.models import Worker

BAD_WHEN_UP = frozenset({"grace_participants", "ended_participants"})
BY_DAY = ("new_participants", "collected_amount")


@dataclass(frozen=True)
class Row:
    name: str
    now: int
    before: int | None  # last month: the same days while this month is in progress
    change: int | None  # None: not comparable yet (a whole-month state, month in progress)
    to_date: bool  # `before` covers the same days of last month, not the whole of it

    @property
    def verdict(self) -> str:
        """The change read as news: "good", "bad" or "" (no change, nothing to compare)."""
        if not self.change:
            return ""
        return "bad" if (self.change > 0) == (self.name in BAD_WHEN_UP) else "good"


@dataclass(frozen=True)
class Comparison:
    in_progress: bool
    through: date | None  # the last day counted this month (today) while in progress
    previous_through: date | None  # the same day of last month (its last day if shorter)
    rows: list[Row]


def compare(
    session: Session,
    scope: Scope,
    month: Month,
    current: dict,
    previous: dict,
    zone: str | None = None,
) -> Comparison:
    """The overview's rows: `current`/`previous` are the rollup figures of the two months."""
    today = clock.today(zone)
    if Month.of(today) != month:
        rows = [
            Row(n, current[n], previous[n], current[n] - previous[n], False)
            for n in OVERVIEW_FIGURES
        ]
        return Comparison(False, None, None, rows)
    last = month - 1
    through = min(today.day, last.last_day().day)
    before = figures_to_day(session, scope, last, through)
    rows = []
    for name in OVERVIEW_FIGURES:
        if name in BY_DAY:
            rows.append(Row(name, current[name], before[name], current[name] - before[name], True))
        else:
            rows.append(Row(name, current[name], previous[name], None, False))
    return Comparison(True, today, last.first_day() + timedelta(days=through - 1), rows)


def figures_to_day(
    session: Session, scope: Scope, month: Month, through_day: int
) -> dict[str, int]:
    """Participants registered and contributions collected on days 1 … through_day of month,
    each branch's days in its own time zone."""
    end_day = month.first_day() + timedelta(days=through_day)
    windows = []
    for zone, branches in zone_groups(session, scope.branches):
        window = and_(
            Worker.created_at >= clock.start_of_month(month, zone),
            Worker.created_at < clock.start_of_day(end_day, zone),
        )
        windows.append(and_(window, branches(Worker.branch_id)))
    registered = session.scalar(select(func.count()).select_from(Worker).where(or_(*windows)))
    paid = select(func.coalesce(func.sum(Payment.amount), 0)).where(
        Payment.paid_on >= month.first_day(),
        Payment.paid_on < end_day,
        ~exists().where(PaymentReversal.payment_id == Payment.id),
        scope.branches(Payment.branch_id),
    )
    return {"new_participants": int(registered or 0), "collected_amount": int(session.scalar(paid))}

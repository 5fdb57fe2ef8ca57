"""Shared set-up for the commission tests: participants who pay through contributions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from perisai import clock
from perisai.commissions.close import close_commission_month
from perisai.commissions.estimates import agent_months
from perisai.months import Month
from tests.factories import make_worker, record_test_payment

WIB = clock.zone("WIB")


def new_paying_workers(session, agent, count: int, paid_on: date, *, has_jht=True, months=1):
    """`count` new participants of `agent`, each paying `months` months on `paid_on`."""
    workers = []
    for _ in range(count):
        worker = make_worker(session, agent, has_jht=has_jht)
        record_test_payment(session, worker, paid_on, months)
        workers.append(worker)
    return workers


def close(session, month: str, *branches, today: date | None = None):
    month = Month.parse(month)
    return close_commission_month(
        session,
        month=month,
        branch_ids=[b.id for b in branches],
        today=today or (month + 1).first_day() + timedelta(days=1),
    )


def figures(session, agent, month: str) -> dict:
    item = agent_months(session, Month.parse(month), [agent])[0]
    return {**item.figures, "state": item.state}


def wib(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), WIB)

"""A small hand-built history whose report figures are known exactly (months counted in WIB)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from perisai.contributions.models import Payment, PaymentMonth, PaymentReversal
from perisai.months import Month
from tests.factories import make_worker

PRICE = 16_800


def registered_on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)  # 12:00 WIB


def pay(session, worker, paid_on: date, months: list[str], *, agent=None) -> Payment:
    """One standing payment covering `months`, and the worker's coverage columns."""
    payment = Payment(
        id=uuid.uuid4(),
        worker_id=worker.id,
        receipt_number=f"R-{uuid.uuid4().hex[:12]}",
        amount=PRICE * len(months),
        months_count=len(months),
        paid_on=paid_on,
        channel="cash",
        income_level=1_000_000,
        has_jht=False,
        sector="other",
        funding="self",
        agent_id=(agent.id if agent else worker.managed_by_id),
        branch_id=worker.branch_id,
        request_hash="test",
    )
    session.add(payment)
    for text in months:
        month = Month.parse(text)
        session.add(
            PaymentMonth(
                payment=payment,
                worker_id=worker.id,
                month=month,
                active_month=month,
                jkk=10_000,
                jkm=6_800,
                jht=0,
                total=PRICE,
                rate_version_id=1,
            )
        )
    paid = [Month.parse(m) for m in months]
    known = [m for m in (worker.first_paid_month, worker.covered_until) if m is not None]
    worker.first_paid_month = min([*paid, *known])
    worker.covered_until = max([*paid, *known])
    session.flush()
    return payment


def reverse(session, payment: Payment) -> None:
    session.add(PaymentReversal(payment_id=payment.id, reason="salah catat"))
    for row in payment.months:
        row.active_month = None
        row.is_reversed = True
    session.flush()


@dataclass
class History:
    org: object
    workers: dict


def build_history(session, org) -> History:
    """Agent A (org.agent) and agent B (org.agent2) in branch A, agent C in branch B.

    Agent A registers five participants in 2026-01:
      a1 pays 2026-01 … 2026-06 in one payment (active through June),
      a2 pays 2026-01 only (grace Feb–Apr, ended in May),
      a3 pays 2026-02 (first paid Feb) and 2026-03 … 2026-05,
      a4 never pays,
      a5 pays 2026-06 (registered in January, acquired in June).
    Agent B registers b1 in 2026-05 paying 2026-05 and 2026-06, and b2 in 2026-06 (never pays).
    Agent C (other branch) registers c1 in 2026-06 paying 2026-06.
    """
    a, b, c = org.agent, org.agent2, org.other_agent
    w = {}
    for n, name in enumerate(("a1", "a2", "a3", "a4", "a5")):
        w[name] = make_worker(
            session,
            a,
            created_at=registered_on(date(2026, 1, 10)),
            lat=-6.9 - n / 100,
            lon=110.4 + n / 100,
        )
    w["b1"] = make_worker(session, b, created_at=registered_on(date(2026, 5, 3)))
    w["b2"] = make_worker(session, b, created_at=registered_on(date(2026, 6, 20)))
    w["c1"] = make_worker(
        session, c, created_at=registered_on(date(2026, 6, 2)), village_code="33.75.01.1001"
    )
    pay(session, w["a1"], date(2026, 1, 12), [f"2026-{m:02d}" for m in range(1, 7)])
    pay(session, w["a2"], date(2026, 1, 12), ["2026-01"])
    pay(session, w["a3"], date(2026, 2, 5), ["2026-02"])
    pay(session, w["a3"], date(2026, 3, 5), ["2026-03", "2026-04", "2026-05"])
    pay(session, w["a5"], date(2026, 6, 7), ["2026-06"])
    pay(session, w["b1"], date(2026, 5, 4), ["2026-05"])
    pay(session, w["b1"], date(2026, 6, 4), ["2026-06"])
    pay(session, w["c1"], date(2026, 6, 2), ["2026-06"])
    session.commit()
    return History(org, w)

"""A small history, recorded through the factories, whose report figures are known exactly
(months counted in WIB)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from perisai.contributions.models import Payment
from perisai.contributions.payments import reverse_payment
from tests.factories import make_worker, record_test_payment

# Every participant of these histories is funded from the regional budget (APBD), so no month
# of 2026 is discounted (DOMAIN.md §3) and each month they pay costs the full lowest price.
PRICE = 16_800
FUNDING = "apbd"


def registered_on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 5, 0, tzinfo=UTC)  # 12:00 WIB


def participant(session, agent, registered: date, **overrides):
    """A participant of the history: registered that day, paying the undiscounted price."""
    return make_worker(
        session, agent, created_at=registered_on(registered), funding=FUNDING, **overrides
    )


def pay(session, worker, paid_on: date, months: list[str]) -> Payment:
    """A payment recorded through contributions on `paid_on`; `months` says which months the
    history expects it to cover, and the rules must agree (arrears first, never the gap)."""
    payment = record_test_payment(session, worker, paid_on, len(months))
    assert [str(m) for m in payment.covers] == months, (payment.covers, months)
    assert payment.amount == PRICE * len(months), payment.amount
    return payment


def reverse(session, payment: Payment) -> None:
    reverse_payment(session, payment=payment, reason="salah catat")


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
        w[name] = participant(
            session, a, date(2026, 1, 10), lat=-6.9 - n / 100, lon=110.4 + n / 100
        )
    w["b1"] = participant(session, b, date(2026, 5, 3))
    w["b2"] = participant(session, b, date(2026, 6, 20))
    w["c1"] = participant(session, c, date(2026, 6, 2), village_code="33.75.01.1001")
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

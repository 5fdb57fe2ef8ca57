"""Cash custody in the demo dataset: the demo agents' cash in hand (DOMAIN.md §8).

`agent` took cash from two participants yesterday and today (in hand, not blocked); `agent2`
took cash two days ago and recorded its deposit yesterday (waiting for the bank's statement),
so the supervisor's cash pages and the agent's cash screen show something from the start."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.auth.models import User
from perisai.cash.deposits import record_deposit
from perisai.contributions.models import Payment
from perisai.contributions.payments import record_payment
from perisai.contributions.quotes import quote_for_worker
from perisai.workers.models import Worker


def add_demo_cash(session: Session, today: date) -> int:
    """Record the demo agents' recent cash payments and agent2's deposit; returns payments."""
    agent = session.scalar(select(User).where(User.username == "agent"))
    agent2 = session.scalar(select(User).where(User.username == "agent2"))
    taken = _take_cash(session, agent, [today - timedelta(days=1), today])
    amounts = _take_cash(session, agent2, [today - timedelta(days=2)])
    record_deposit(
        session,
        agent=agent2.agent,
        recorded_by=agent2,
        data={
            "id": uuid.uuid5(uuid.NAMESPACE_URL, "perisai-demo/deposit/agent2"),
            "amount": sum(amounts),
            "channel": "va",
            "reference": "BRIVA 88810 0001",
            "deposited_on": today - timedelta(days=1),
        },
    )
    return len(taken) + len(amounts)


def _take_cash(session: Session, user: User, days: list[date]) -> list[int]:
    """A first cash payment, on each day, by participants of the agent who never paid yet."""
    unpaid = session.scalars(
        select(Worker)
        .where(
            Worker.managed_by_id == user.agent_id,
            ~select(Payment.id).where(Payment.worker_id == Worker.id).exists(),
        )
        .order_by(Worker.registered_on, Worker.id)
    ).all()
    amounts = []
    for worker, day in zip(unpaid, days, strict=False):
        paid_on = max(day, worker.registered_on)
        quote = quote_for_worker(session, worker, 1, paid_on)
        payment, _ = record_payment(
            session,
            worker=worker,
            recorded_by=user,
            today=days[-1],
            data={
                "id": uuid.uuid5(uuid.NAMESPACE_URL, f"perisai-demo/cash/{worker.id}"),
                "months": 1,
                "amount": quote.total,
                "paid_on": paid_on,
                "channel": "cash",
            },
        )
        amounts.append(payment.amount)
    return amounts

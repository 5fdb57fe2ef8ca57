"""Settling agents' cash: deposits the bank confirmed settle the oldest unsettled cash payments
first (DOMAIN.md §8).

Per agent, the credit is what its confirmed deposits brought in less what its standing settled
payments took; the unsettled cash payments, oldest first, are settled while their running total
fits in the credit. A reversed settled payment leaves its amount as credit for the next ones; a
reversed unsettled one is never settled. Settling only ever moves forward: a payment once settled
stays settled, so running it again (a statement uploaded twice) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session

from perisai import clock
from perisai.cash.models import SETTLING_STATES, Deposit
from perisai.contributions.models import Payment, PaymentReversal

CHUNK = 5000


def settle_agents(session: Session, agent_ids: Iterable[int], now: datetime | None = None) -> int:
    """Settle what the confirmed deposits of these agents cover; returns payments settled.

    One UPDATE per chunk of agents, choosing its rows itself: the ids never travel to Python
    and back (a statement of 100,000 deposits settles some 200,000 payments)."""
    agent_ids = sorted(set(agent_ids))
    now = now or clock.now()
    settled = 0
    for start in range(0, len(agent_ids), CHUNK):
        chunk = agent_ids[start : start + CHUNK]
        result = session.execute(
            update(Payment)
            .where(Payment.id.in_(_settleable(chunk)), Payment.settled_at.is_(None))
            .values(settled_at=now)
            .execution_options(synchronize_session=False)
        )
        settled += result.rowcount
    if settled:
        session.expire_all()  # loaded payments now read their settled_at again
    return settled


def _standing(agent_ids: list[int]):
    return (
        Payment.custodian_id.in_(agent_ids),
        Payment.state != "rejected",
        ~exists().where(PaymentReversal.payment_id == Payment.id),
    )


def _settleable(agent_ids: list[int]):
    """The ids of unsettled cash payments the agents' credit covers, in one statement."""
    confirmed = (
        select(Deposit.agent_id, func.sum(Deposit.amount).label("amount"))
        .where(Deposit.agent_id.in_(agent_ids), Deposit.state.in_(SETTLING_STATES))
        .group_by(Deposit.agent_id)
        .subquery("confirmed")
    )
    taken = (
        select(Payment.custodian_id.label("agent_id"), func.sum(Payment.amount).label("amount"))
        .where(*_standing(agent_ids), Payment.settled_at.is_not(None))
        .group_by(Payment.custodian_id)
        .subquery("taken")
    )
    running = (
        select(
            Payment.id,
            Payment.custodian_id.label("agent_id"),
            func.sum(Payment.amount)
            .over(
                partition_by=Payment.custodian_id,
                order_by=(Payment.paid_on, Payment.created_at, Payment.id),
            )
            .label("running"),
        )
        .where(*_standing(agent_ids), Payment.settled_at.is_(None))
        .subquery("running")
    )
    return (
        select(running.c.id)
        .join(confirmed, confirmed.c.agent_id == running.c.agent_id)
        .outerjoin(taken, taken.c.agent_id == running.c.agent_id)
        .where(running.c.running <= confirmed.c.amount - func.coalesce(taken.c.amount, 0))
    )

"""An agent's cash position (DOMAIN.md §8): what it collected in cash, what it deposited, the
cash still in its hand (oldest first) and whether it may take more cash.

Cash in hand follows what the agent deposited (a deposit takes it down at once, before the bank
confirms it; a deposit a supervisor rejected no longer counts). Settlement (payments.settled_at)
follows what the bank confirmed: perisai.cash.settlement.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.cash.limits import limit_for
from perisai.cash.models import SETTLING_STATES, CashLimit, Deposit
from perisai.contributions.models import Payment, PaymentReversal
from perisai.errors import field_error
from perisai.money import grouped

OPEN_LISTED = 200  # the oldest cash in hand the API lists (the PWA judges offline from it)


def custodial_cash(agent_id: int):
    """The agent's cash payments that stand: not reversed, not rejected."""
    return select(Payment).where(
        Payment.custodian_id == agent_id,
        Payment.state != "rejected",
        ~exists().where(PaymentReversal.payment_id == Payment.id),
    )


@dataclass(frozen=True)
class Cash:
    """Cash of one payment still in the agent's hand (`amount`: what deposits left of it)."""

    payment_id: uuid.UUID | None
    paid_on: date
    amount: int


@dataclass
class Position:
    agent: Agent
    today: date
    limit: CashLimit
    collected: int
    deposited: int  # recorded, matched or confirmed: every deposit not rejected
    open: list[Cash]  # the cash in hand, oldest first
    unconfirmed: int  # deposits the bank has not confirmed yet
    unsettled: int  # cash payments the bank has not confirmed yet
    unsettled_payments: int
    # What confirmed deposits brought in beyond the cash they settled (a settled payment was
    # reversed, or a deposit was larger): a new cash payment it covers is settled at once.
    bank_credit: int = 0
    # Cash payments of the same request not written yet (a sync batch), as they are judged.
    staged: list[Cash] = field(default_factory=list)

    @property
    def cash_in_hand(self) -> int:
        return self.collected - self.deposited + sum(c.amount for c in self.staged)

    @property
    def unsettled_since(self) -> date | None:
        return self.oldest_on(self.today)

    def oldest_on(self, day: date) -> date | None:
        held = self._held_on(day)
        return min((c.paid_on for c in held), default=None)

    def _held_on(self, day: date) -> list[Cash]:
        """The cash in hand on `day`: paid on or before it (later cash did not exist yet),
        after every deposit known (lenient for a day already over, exact for today)."""
        credit = max(0, self.deposited - self.collected)  # more deposited than collected
        held = [c for c in self.open if c.paid_on <= day]
        for cash in sorted(self.staged, key=lambda c: c.paid_on):
            if cash.paid_on > day:
                continue
            used = min(credit, cash.amount)
            credit -= used
            if cash.amount > used:
                held.append(Cash(cash.payment_id, cash.paid_on, cash.amount - used))
        return held

    def in_hand_on(self, day: date) -> int:
        if day >= self.today:  # every payment so far, not only the oldest listed
            return max(0, self.cash_in_hand)
        return sum(c.amount for c in self._held_on(day))

    def block_on(self, day: date) -> tuple[str, ...] | None:
        """Why the agent may not take cash on `day` (a token and its arguments), or None."""
        in_hand = self.in_hand_on(day)
        if in_hand > self.limit.ceiling:
            return (
                "cash.blocked_ceiling",
                f"{grouped(in_hand)}|{grouped(self.limit.ceiling)}",
                f"{grouped(in_hand, 'en')}|{grouped(self.limit.ceiling, 'en')}",
            )
        oldest = self.oldest_on(day)
        if oldest is not None and (day - oldest).days > self.limit.max_age_days:
            return ("cash.blocked_age", oldest.isoformat(), str(self.limit.max_age_days))
        return None

    @property
    def blocked(self) -> bool:
        return self.block_on(self.today) is not None

    @property
    def block_reason(self) -> str | None:
        block = self.block_on(self.today)
        return block[0].split(".", 1)[1].removeprefix("blocked_") if block else None

    def check_cash_payment(self, paid_on: date, location: str = "json") -> None:
        """Refuse (422 on `channel`) a cash payment taken on a day the agent was blocked."""
        block = self.block_on(min(paid_on, self.today))
        if block is not None:
            raise field_error("channel", "|".join(block), location=location)

    def settles_at_once(self, amount: int) -> bool:
        """Whether a new cash payment of `amount` is settled by credit the bank confirmed
        (only when no older cash waits: the oldest is settled first)."""
        if self.unsettled_payments or self.bank_credit < amount:
            return False
        self.bank_credit -= amount
        return True

    def stage(self, payment: Payment) -> None:
        self.staged.append(Cash(payment.id, payment.paid_on, payment.amount))
        if payment.settled_at is None:
            self.unsettled_payments += 1


def cash_position(session: Session, agent: Agent, today: date) -> Position:
    """The agent's position now: three aggregate queries and the oldest cash in hand."""
    payments = custodial_cash(agent.id).subquery("cash")
    unsettled_filter = payments.c.settled_at.is_(None)
    collected, unsettled, unsettled_count, settled = session.execute(
        select(
            func.coalesce(func.sum(payments.c.amount), 0),
            func.coalesce(func.sum(payments.c.amount).filter(unsettled_filter), 0),
            func.count().filter(unsettled_filter),
            func.coalesce(func.sum(payments.c.amount).filter(~unsettled_filter), 0),
        )
    ).one()
    settling = Deposit.state.in_(SETTLING_STATES)
    deposited, unconfirmed, confirmed = session.execute(
        select(
            func.coalesce(func.sum(Deposit.amount), 0),
            func.coalesce(func.sum(Deposit.amount).filter(Deposit.state == "recorded"), 0),
            func.coalesce(func.sum(Deposit.amount).filter(settling), 0),
        ).where(Deposit.agent_id == agent.id, Deposit.state != "rejected")
    ).one()
    return Position(
        agent=agent,
        today=today,
        limit=limit_for(session, agent, today),
        collected=int(collected),
        deposited=int(deposited),
        open=_open_cash(session, agent.id, int(deposited)),
        unconfirmed=int(unconfirmed),
        unsettled=int(unsettled),
        unsettled_payments=int(unsettled_count),
        bank_credit=max(0, int(confirmed) - int(settled)),
    )


def _open_cash(session: Session, agent_id: int, deposited: int) -> list[Cash]:
    """The cash payments deposits have not covered yet, oldest first: deposits cover the
    running total of the agent's cash from its first payment."""
    cash = custodial_cash(agent_id).subquery("cash")
    running = (
        select(
            cash.c.id,
            cash.c.paid_on,
            cash.c.amount,
            func.sum(cash.c.amount)
            .over(order_by=(cash.c.paid_on, cash.c.created_at, cash.c.id))
            .label("running"),
        )
    ).subquery("running")
    rows = session.execute(
        select(running.c.id, running.c.paid_on, running.c.amount, running.c.running)
        .where(running.c.running > deposited)
        .order_by(running.c.running)
        .limit(OPEN_LISTED)
    ).all()
    found = []
    for payment_id, paid_on, amount, total in rows:
        # the oldest may be partly covered: only what the deposits left of it is in hand
        left = min(int(amount), int(total) - deposited)
        found.append(Cash(uuid.UUID(str(payment_id)), paid_on, left))
    return found

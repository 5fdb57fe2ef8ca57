"""The seam between recording a payment and cash custody (DOMAIN.md §8).

Cash custody (perisai.cash) is a feature built on payments, so contributions never imports it:
recording a cash payment an agent took asks the provider perisai.cash registers when the app is
created (perisai.cash.hooks) whether the agent may take cash that day, and tells it about the
payment and about a reversal. Without a provider (a script that built no app) nothing is judged.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol


class CashGuard(Protocol):
    """One agent's cash position as payments are recorded (perisai.cash.position.Position)."""

    def check_cash_payment(self, paid_on: date, location: str = "json") -> None: ...

    def settles_at_once(self, amount: int) -> bool: ...

    def stage(self, payment) -> None: ...


class Custody(Protocol):
    def guard(self, session, agent, today: date) -> CashGuard: ...

    def after_reversal(self, session, agent_id: int) -> None: ...


_provider: Custody | None = None


def register(provider: Custody) -> None:
    global _provider
    _provider = provider


def custodian_of(recorded_by, channel: str):
    """The agent whose hands a payment's cash is in: the agent who recorded a cash payment.
    Cash taken at the branch (a supervisor) or money by bank, e-wallet or sponsor is settled
    when recorded."""
    if channel != "cash" or getattr(recorded_by, "role", None) != "agent":
        return None
    return getattr(recorded_by, "agent", None)


def guard(session, agent, today: date) -> CashGuard | None:
    return _provider.guard(session, agent, today) if _provider is not None else None


def after_reversal(session, agent_id: int) -> None:
    if _provider is not None:
        _provider.after_reversal(session, agent_id)

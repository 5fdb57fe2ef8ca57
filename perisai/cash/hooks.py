"""Registers cash custody with the payments it follows (perisai.contributions.custody)."""

from __future__ import annotations

from perisai.cash.position import cash_position
from perisai.cash.settlement import settle_agents
from perisai.contributions import custody


class _Custody:
    @staticmethod
    def guard(session, agent, today):
        return cash_position(session, agent, today)

    @staticmethod
    def after_reversal(session, agent_id: int) -> None:
        # a settled payment's amount is now credit for the next; an unsettled one leaves
        settle_agents(session, [agent_id])


def init_app(app) -> None:
    custody.register(_Custody())

"""A month's figures per agent (`agent_months`): the frozen statement once the agent's branch
has closed the month, else the running estimate from the payments not yet posted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.commissions import holds, ledger
from perisai.commissions.close import last_closed_months
from perisai.commissions.ledger import Window
from perisai.commissions.models import (
    STATEMENT_FIGURES,
    CommissionClose,
    CommissionStatement,
    payable_and_payout,
)
from perisai.commissions.rules import rule_set_for
from perisai.money import round_half_up
from perisai.months import Month


def _window_for(
    session: Session, month: Month, first_open: Month | None, branch_ids, agent_ids
) -> Window:
    since = None
    if first_open == month:  # these branches' last close was the month before
        closed_at = session.scalar(
            select(func.min(CommissionClose.closed_at)).where(
                CommissionClose.branch_id.in_(list(branch_ids)),
                CommissionClose.month == month - 1,
            )
        )
        since = closed_at - timedelta(days=1) if closed_at is not None else None
    return Window(month, first_open == month, tuple(branch_ids), tuple(agent_ids), since)


def estimate_figures(
    session: Session, month: Month, first_open: Month | None, branch_ids, agent_ids
) -> dict[int, dict]:
    """Running estimate for agents of branches where `month` is still open (per agent): held
    is what a close now would hold (perisai.commissions.holds); released shows only at close."""
    rule = rule_set_for(session, month, location="query")
    window = _window_for(session, month, first_open, branch_ids, agent_ids)
    # Which payments are still unposted is settled first, once: left to the planner, it joined
    # every covered month of the agents' whole history before dropping the posted ones.
    unposted = (
        ledger.candidate_payments(window)
        .cte("unposted")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    batch = select(*unposted.c)
    lines = ledger.all_lines(batch, ledger.reversals_to_claw_back(window), month, rule)
    out: dict[int, dict] = defaultdict(lambda: dict.fromkeys(STATEMENT_FIGURES, 0))
    for row in session.execute(holds.sums_with_held_by_agent(lines)).mappings():
        figures = out[row["agent_id"]]
        for name in ("new_participants", "acquisition_fee", "collection_fee", "held"):
            figures[name] = int(row[name] or 0)
    for row in session.execute(ledger.payments_by_agent(batch)).mappings():
        out[row["agent_id"]]["payments"] = int(row["payments"])
        out[row["agent_id"]]["collected_amount"] = int(row["collected_amount"] or 0)
    for figures in out.values():
        figures["total"] = figures["acquisition_fee"] + figures["collection_fee"]
        figures["wadah_fee"] = round_half_up(figures["total"] * rule.wadah_bp)
        figures["rule_set_id"] = rule.id
    return out


@dataclass
class AgentMonth:
    """One agent's month: the frozen statement when closed, else the running estimate."""

    agent: Agent
    month: Month
    state: str
    figures: dict
    statement: CommissionStatement | None = None
    acquisition_minimum: int | None = None  # the month's rule; set where a body shows it
    lines: list[dict] | None = None  # the ledger lines, set where a body lists them
    released_lines: list[dict] | None = None  # earlier months' lines released, likewise

    @property
    def public_id(self) -> str:
        return f"{self.month}-{self.agent.id}"

    @property
    def new_participants_needed(self) -> int | None:
        if self.acquisition_minimum is None:
            return None
        return max(0, self.acquisition_minimum - int(self.figures["new_participants"]))

    @property
    def rule_set_id(self) -> int | None:
        return self.figures.get("rule_set_id")

    def _statement(self, name: str):
        return getattr(self.statement, name) if self.statement is not None else None

    @property
    def closed_at(self):
        return self._statement("closed_at")

    @property
    def paid_on(self):
        return self._statement("paid_on")

    @property
    def transfer_reference(self):
        return self._statement("transfer_reference")

    @property
    def acknowledged_at(self):
        return self._statement("acknowledged_at")


def agent_months(session: Session, month: Month, agents: list[Agent]) -> list[AgentMonth]:
    """Statement rows for `agents` (in the given order), closed or open per their branch."""
    branch_of = {agent.id: agent.wadah.branch_id for agent in agents}
    last = last_closed_months(session, set(branch_of.values()))
    closed_ids = [
        a.id for a in agents if last.get(branch_of[a.id]) and month <= last[branch_of[a.id]]
    ]
    frozen = {
        row.agent_id: row
        for row in session.scalars(
            select(CommissionStatement).where(
                CommissionStatement.month == month,
                CommissionStatement.agent_id.in_(closed_ids),
            )
        )
    }
    groups: dict[Month | None, list[Agent]] = defaultdict(list)
    for agent in agents:
        if agent.id not in closed_ids:
            branch_last = last.get(branch_of[agent.id])
            groups[branch_last + 1 if branch_last else None].append(agent)
    estimates: dict[int, dict] = {}
    for first_open, members in groups.items():
        branches = {branch_of[a.id] for a in members}
        estimates.update(
            estimate_figures(session, month, first_open, branches, [a.id for a in members])
        )
    rule_id = None
    out = []
    for agent in agents:
        if agent.id in closed_ids:
            row = frozen.get(agent.id)
            figures = {name: getattr(row, name) if row else 0 for name in STATEMENT_FIGURES}
            figures["rule_set_id"] = row.rule_set_id if row else None
            out.append(AgentMonth(agent, month, "closed", payable_and_payout(figures), row))
        else:
            if agent.id not in estimates:
                rule_id = rule_id or rule_set_for(session, month, location="query").id
                estimates[agent.id] = {
                    **dict.fromkeys(STATEMENT_FIGURES, 0),
                    "rule_set_id": rule_id,
                }
            out.append(AgentMonth(agent, month, "open", payable_and_payout(estimates[agent.id])))
    return out

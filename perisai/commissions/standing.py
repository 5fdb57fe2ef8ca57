"""Agent standing (DOMAIN.md §4): warnings, suspension, reactivation, Wadah below target.

An agent's run of empty months counts back from the month checked, over months since the agent
joined or was last reactivated: a month is empty of acquisitions when no new participant was
acquired, and empty of transactions when no payment was posted either (so a month without any
transaction is always also a month without an acquisition; the reason names the stronger one).
`warning_months` (2) in a row flags the agent, `suspend_months` (3) suspends it (status
"suspended": no new registrations). Reactivation is refused before `reactivation_months` (6)
after the suspension. A Wadah whose agents together acquired fewer than its monthly_target for
`wadah_below_target_months` (3) in a row is flagged for its branch. Flags are rows
(StandingFlag), unique per month, subject and kind, so running the check twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent, Wadah
from perisai.auth.permissions import Scope
from perisai.commissions.estimates import agent_months
from perisai.commissions.models import StandingFlag
from perisai.commissions.rules import rule_set_for
from perisai.errors import Conflict
from perisai.months import Month


@dataclass
class StandingResult:
    month: Month
    warned: list[str] = field(default_factory=list)
    suspended: list[str] = field(default_factory=list)
    wadahs_below_target: list[str] = field(default_factory=list)


def _start_month(agent: Agent) -> Month:
    start = Month.of(agent.joined_on)
    if agent.status == "active" and agent.status_changed_at is not None:
        start = max(start, Month.of(agent.status_changed_at.date()))  # reactivated: fresh start
    return start


def check_standing(session: Session, *, month: Month, branch_ids=None) -> StandingResult:
    """Flag, suspend and report for `month` (figures of closed months, else estimates)."""
    rule = rule_set_for(session, month, location="query")
    depth = max(rule.suspend_months, rule.warning_months, rule.wadah_below_target_months)
    stmt = select(Agent).join(Wadah, Wadah.id == Agent.wadah_id).order_by(Agent.id)
    if branch_ids is not None:
        stmt = stmt.where(Wadah.branch_id.in_(list(branch_ids)))
    agents = list(session.scalars(stmt))
    history = {
        offset: {
            item.agent.id: item.figures for item in agent_months(session, month - offset, agents)
        }
        for offset in range(depth)
    }
    flags = _Flags(session, month)
    result = StandingResult(month)
    for agent in agents:
        if agent.status == "active":
            _check_agent(agent, rule, flags, result, [history[o][agent.id] for o in range(depth)])
    _check_wadahs(agents, rule, flags, result, history)
    session.flush()
    return result


class _Flags:
    """The month's standing flags: a flag raised once per subject and kind."""

    def __init__(self, session: Session, month: Month):
        self.session, self.month = session, month
        self.existing = set(
            session.execute(
                select(StandingFlag.subject, StandingFlag.kind).where(StandingFlag.month == month)
            ).all()
        )

    def raise_flag(self, kind, reason, months, wadah, agent=None) -> bool:
        """Add the flag unless it was raised already; whether it is new."""
        subject = f"agent:{agent.id}" if agent else f"wadah:{wadah.id}"
        if (subject, kind) in self.existing:
            return False
        self.session.add(
            StandingFlag(
                month=self.month,
                subject=subject,
                kind=kind,
                reason=reason,
                months=months,
                branch_id=wadah.branch_id,
                wadah_id=wadah.id,
                agent_id=agent.id if agent else None,
            )
        )
        self.existing.add((subject, kind))
        return True


def _empty_runs(agent: Agent, month: Month, figures: list[dict]) -> tuple[int, int]:
    """Months in a row, back from `month` (figures[0]) and since the agent's start, without an
    acquisition; and how many of those were without a payment either."""
    start = _start_month(agent)
    no_acquisition = no_transaction = 0
    for offset, month_figures in enumerate(figures):
        if month - offset < start or month_figures["new_participants"] > 0:
            break
        no_acquisition += 1
    for month_figures in figures[:no_acquisition]:
        if month_figures["payments"] > 0:
            break
        no_transaction += 1
    return no_acquisition, no_transaction


def _check_agent(agent: Agent, rule, flags: _Flags, result: StandingResult, figures) -> None:
    run, no_transaction = _empty_runs(agent, result.month, figures)
    if run >= rule.suspend_months:
        reason = "no_transaction" if no_transaction >= rule.suspend_months else "no_acquisition"
        agent.set_status("suspended")
        flags.raise_flag("suspended", reason, run, agent.wadah, agent)
        result.suspended.append(agent.agent_code)
    elif run >= rule.warning_months:
        reason = "no_transaction" if no_transaction >= rule.warning_months else "no_acquisition"
        if flags.raise_flag("warning", reason, run, agent.wadah, agent):
            result.warned.append(agent.agent_code)


def _check_wadahs(agents, rule, flags: _Flags, result: StandingResult, history) -> None:
    """A Wadah whose agents together acquired fewer than its target, month after month."""
    wadahs: dict[int, Wadah] = {}
    acquired: dict[int, list[int]] = {}
    months = rule.wadah_below_target_months
    for agent in agents:
        wadahs[agent.wadah_id] = agent.wadah
        counts = acquired.setdefault(agent.wadah_id, [0] * months)
        for offset in range(months):
            counts[offset] += history[offset][agent.id]["new_participants"]
    for wadah in wadahs.values():
        if wadah.status != "active" or wadah.monthly_target <= 0:
            continue
        if result.month - (months - 1) < Month.of(wadah.pks_start):
            continue  # not yet `months` months under the PKS
        below = all(count < wadah.monthly_target for count in acquired[wadah.id])
        if below and flags.raise_flag("below_target", "target", months, wadah):
            result.wadahs_below_target.append(wadah.name)


def add_months(day: date, months: int) -> date:
    target = Month.of(day) + months
    return date(target.year, target.month, min(day.day, target.last_day().day))


def earliest_reactivation(session: Session, agent: Agent, today: date) -> date | None:
    """The first day a suspended agent may be active again: `reactivation_months` after the
    suspension; None unless suspended."""
    if agent.status != "suspended":
        return None
    rule = rule_set_for(session, Month.of(today), location="query")
    suspended_on = agent.status_changed_at.date() if agent.status_changed_at else today
    return add_months(suspended_on, rule.reactivation_months)


def reactivate_agent(session: Session, *, agent: Agent, today: date) -> Agent:
    """Back to active, not before `reactivation_months` after the suspension."""
    earliest = earliest_reactivation(session, agent, today)
    if earliest is None:
        raise Conflict("commissions.not_suspended")
    if today < earliest:
        raise Conflict(f"commissions.reactivation_early|{earliest.isoformat()}")
    agent.set_status("active")
    session.flush()
    return agent


def flag_reasons(session: Session, month: Month, agent_ids=None) -> dict[int, list[tuple]]:
    """(kind, reason) of each standing flag per agent for a month, by kind (the reports)."""
    stmt = (
        select(StandingFlag.agent_id, StandingFlag.kind, StandingFlag.reason)
        .where(StandingFlag.month == month, StandingFlag.agent_id.is_not(None))
        .order_by(StandingFlag.kind)
    )
    if agent_ids is not None:
        stmt = stmt.where(StandingFlag.agent_id.in_(list(agent_ids)))
    out: dict[int, list[tuple]] = {}
    for agent_id, kind, reason in session.execute(stmt):
        out.setdefault(agent_id, []).append((kind, reason))
    return out


def flags_in(scope: Scope, month: Month):
    """The standing flags of a month in the caller's branches (an admin: every one)."""
    stmt = select(StandingFlag).where(
        StandingFlag.month == month, scope.branches(StandingFlag.branch_id)
    )
    return stmt.order_by(StandingFlag.id)

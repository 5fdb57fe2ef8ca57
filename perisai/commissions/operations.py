"""Closing a commission month, running estimates, statements, payment and acknowledgement.

See perisai.commissions.ledger for which payments a month takes and the SQL that turns them
into ledger lines; perisai.commissions.rules for the rule sets and the rounding rule.

Statement ids are deterministic: "<YYYY-MM>-<agent id>" (Wadah statements: the Wadah's id), the
same while the month is open (a running estimate) and after it is closed (the frozen row), so a
link an agent saved keeps working.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import abort
from sqlalchemy import exists, func, insert, literal, select, text, update
from sqlalchemy.orm import Session

import perisai.commissions.messages  # noqa: F401 - registers the messages
from perisai import clock
from perisai.agents import zones
from perisai.agents.models import Agent, Branch, Wadah
from perisai.auth.permissions import Scope
from perisai.commissions import ledger
from perisai.commissions.ledger import PO, WD, A, E, P, R, Window
from perisai.commissions.models import (
    CommissionClose,
    CommissionStatement,
    PriorRegistration,
)
from perisai.commissions.rules import round_half_up, rule_set_for
from perisai.db import UTCDateTime
from perisai.errors import Conflict, field_error
from perisai.months import Month

ST = CommissionStatement.__table__

FIGURES = (
    "new_participants",
    "payments",
    "collected_amount",
    "acquisition_fee",
    "collection_fee",
    "total",
    "wadah_fee",
)


# --- month state ------------------------------------------------------------------------------


def _month(value) -> Month | None:
    if value is None or isinstance(value, Month):
        return value
    return Month.parse(str(value))


def last_closed_months(session: Session, branch_ids=None) -> dict[int, Month]:
    stmt = select(CommissionClose.branch_id, func.max(CommissionClose.month)).group_by(
        CommissionClose.branch_id
    )
    if branch_ids is not None:
        stmt = stmt.where(CommissionClose.branch_id.in_(list(branch_ids)))
    return {branch: _month(month) for branch, month in session.execute(stmt)}


def earliest_unposted_months(session: Session, branch_ids: list[int]) -> dict[int, Month]:
    """The month of the oldest payment still waiting to be posted, per never-closed branch."""
    if not branch_ids:
        return {}
    stmt = (
        select(WD.c.branch_id, func.min(P.c.paid_on))
        .select_from(P.join(A, A.c.id == P.c.agent_id).join(WD, WD.c.id == A.c.wadah_id))
        .where(
            WD.c.branch_id.in_(branch_ids),
            ~exists().where(PO.c.payment_id == P.c.id),
            ~exists().where(R.c.payment_id == P.c.id),
        )
        .group_by(WD.c.branch_id)
    )
    return {branch: Month.of(_as_date(day)) for branch, day in session.execute(stmt) if day}


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- closing ----------------------------------------------------------------------------------


@dataclass
class CloseResult:
    month: Month
    closed: dict[int, list[Month]] = field(default_factory=dict)  # branch → months closed now
    statements: int = 0


def close_commission_month(
    session: Session,
    *,
    month: Month,
    branch_ids: list[int],
    closed_by=None,
    today: date | None = None,
) -> CloseResult:
    """Freeze `month` for the branches. Earlier months still open are closed first, in order
    (a month takes the late payments of the months before it only once those are closed).
    Closing a closed month changes nothing."""
    # Not a month still to come in any of the branches' time zones.
    today = today or min(
        (zones.today_of_branch(session, b) for b in branch_ids), default=clock.today()
    )
    if month > Month.of(today):
        raise field_error("month", f"commissions.month_future|{month}", location="path")
    # One close per branch at a time: a second request waits here, then finds the month closed.
    session.execute(
        select(Branch.id).where(Branch.id.in_(branch_ids)).order_by(Branch.id).with_for_update()
    )
    last = last_closed_months(session, branch_ids)
    earliest = earliest_unposted_months(session, [b for b in branch_ids if b not in last])
    first_open = {
        b: last[b] + 1 if b in last else min(earliest.get(b, month), month) for b in branch_ids
    }
    result = CloseResult(month=month, closed={b: [] for b in branch_ids})
    _tune(session)
    current = min(first_open.values(), default=month + 1)
    while current <= month:
        group = tuple(sorted(b for b in branch_ids if first_open[b] <= current))
        if group:
            _close_one(session, current, group, closed_by)
            for branch in group:
                result.closed[branch].append(current)
        current += 1
    result.statements = session.scalar(
        select(func.count())
        .select_from(CommissionStatement)
        .where(
            CommissionStatement.month == month,
            CommissionStatement.branch_id.in_(branch_ids),
        )
    )
    return result


def _close_one(session: Session, month: Month, group: tuple[int, ...], closed_by) -> None:
    """Post everything the month takes for these branches, then write their statements."""
    rule = rule_set_for(session, month)
    now = clock.now()
    window = Window(month, True, group)
    candidates = ledger.candidate_payments(window).subquery("candidates")
    session.execute(
        insert(PO).from_select(
            ["payment_id", "agent_id", "wadah_id", "branch_id", "amount", "month"],
            select(
                candidates.c.payment_id,
                candidates.c.agent_id,
                candidates.c.wadah_id,
                candidates.c.branch_id,
                candidates.c.amount,
                ledger._text(str(month)),
            ),
        )
    )
    _analyze(session, "commission_postings")
    session.execute(
        update(PO)
        .where(
            PO.c.clawed_back_month.is_(None),
            PO.c.branch_id.in_(group),
            # posted by an earlier close: one posted just now and reversed meanwhile (a race)
            # has no entries yet, and is clawed back by the next close instead
            PO.c.month < str(month),
            exists().where(
                R.c.payment_id == PO.c.payment_id,
                R.c.created_at < ledger.month_start_utc(month + 1, PO.c.branch_id),
            ),
        )
        .values(clawed_back_month=str(month))
    )
    clawed = select(PO.c.payment_id, PO.c.agent_id, PO.c.month).where(
        PO.c.clawed_back_month == str(month), PO.c.branch_id.in_(group)
    )
    batch = ledger.posted_payments(month, group)
    # Claw-backs first: a worker whose acquisition was just undone may be acquired again.
    for lines in (
        ledger.clawback_lines(clawed, month),
        ledger.collection_lines(batch, month, rule),
        ledger.acquisition_lines(batch, month, rule),
    ):
        _insert_entries(session, lines, now)
    _analyze(session, "commission_entries")
    _insert_statements(session, month, group, rule, batch, now)
    _insert_wadah_entries(session, month, group, rule, now)
    counts = dict(
        session.execute(
            select(CommissionStatement.branch_id, func.count())
            .where(CommissionStatement.month == month, CommissionStatement.branch_id.in_(group))
            .group_by(CommissionStatement.branch_id)
        ).all()
    )
    for branch in group:
        session.add(
            CommissionClose(
                branch_id=branch,
                month=month,
                rule_set_id=rule.id,
                statements=counts.get(branch, 0),
                closed_at=now,
                closed_by_id=getattr(closed_by, "id", None),
            )
        )
    session.flush()


def _tune(session: Session) -> None:
    """For this transaction only: a close is a few big joins, so no JIT compilation (seconds
    per statement, for nothing) and enough memory to hash a million rows without spilling."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '256MB'"))


def _analyze(session: Session, table: str) -> None:
    """Fresh planner statistics after a bulk insert inside the close's transaction, so the
    next statement joins a million rows by hash instead of a million index probes."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {table}"))


def _insert_entries(session: Session, lines, now: datetime) -> None:
    s = lines.subquery("lines")
    columns = [*ledger.LINE_COLUMNS, "created_at"]
    source = select(*[s.c[name] for name in ledger.LINE_COLUMNS], _now(now))
    session.execute(insert(E).from_select(columns, source))


def _now(now: datetime):
    return literal(now, UTCDateTime()).label("created_at")


def _insert_statements(session, month, group, rule, batch, now) -> None:
    entries = (
        select(E)
        .where(E.c.month == str(month), E.c.branch_id.in_(group), E.c.kind != "wadah")
        .subquery("month_entries")
    )
    sums = ledger.sums_by_agent(select(entries)).subquery("sums")
    paid = ledger.payments_by_agent(batch).subquery("paid")
    coalesce = func.coalesce
    acquisition = coalesce(sums.c.acquisition_fee, 0)
    collection = coalesce(sums.c.collection_fee, 0)
    total = acquisition + collection
    source = (
        select(
            ledger._text(str(month)),
            A.c.id,
            A.c.wadah_id,
            WD.c.branch_id,
            ledger._int(rule.id),
            coalesce(sums.c.new_participants, 0),
            coalesce(paid.c.payments, 0),
            coalesce(paid.c.collected_amount, 0),
            acquisition,
            collection,
            total,
            ledger.rounded_signed(total, rule.wadah_bp),
            _now(now),
        )
        .select_from(
            A.join(WD, WD.c.id == A.c.wadah_id)
            .outerjoin(sums, sums.c.agent_id == A.c.id)
            .outerjoin(paid, paid.c.agent_id == A.c.id)
        )
        .where(
            WD.c.branch_id.in_(group),
            (A.c.status != "terminated")
            | sums.c.agent_id.is_not(None)
            | paid.c.agent_id.is_not(None),
        )
    )

    columns = [
        "month",
        "agent_id",
        "wadah_id",
        "branch_id",
        "rule_set_id",
        "new_participants",
        "payments",
        "collected_amount",
        "acquisition_fee",
        "collection_fee",
        "total",
        "wadah_fee",
        "closed_at",
    ]
    session.execute(insert(ST).from_select(columns, source))


def _insert_wadah_entries(session, month, group, rule, now) -> None:

    source = select(
        ST.c.month,
        ST.c.branch_id,
        ST.c.wadah_id,
        ST.c.agent_id,
        ledger._text("wadah"),
        ledger._text("wadah"),
        ST.c.total,
        ledger._int(rule.wadah_bp),
        ST.c.wadah_fee,
        ST.c.rule_set_id,
        _now(now),
    ).where(ST.c.month == str(month), ST.c.branch_id.in_(group), ST.c.wadah_fee != 0)
    columns = [
        "month",
        "branch_id",
        "wadah_id",
        "agent_id",
        "kind",
        "component",
        "base_amount",
        "rate_bp",
        "amount",
        "rule_set_id",
        "created_at",
    ]
    session.execute(insert(E).from_select(columns, source))


# --- figures of a month: frozen statements or running estimates --------------------------------


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
    """Running estimate for agents of branches where `month` is still open (per agent)."""
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
    out: dict[int, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    for row in session.execute(ledger.sums_by_agent(lines)).mappings():
        figures = out[row["agent_id"]]
        for name in ("new_participants", "acquisition_fee", "collection_fee"):
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

    @property
    def public_id(self) -> str:
        return f"{self.month}-{self.agent.id}"


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
            figures = {name: getattr(row, name) if row else 0 for name in FIGURES}
            figures["rule_set_id"] = row.rule_set_id if row else None
            out.append(AgentMonth(agent, month, "closed", figures, row))
        else:
            if agent.id not in estimates:
                rule_id = rule_id or rule_set_for(session, month, location="query").id
                estimates[agent.id] = {**dict.fromkeys(FIGURES, 0), "rule_set_id": rule_id}
            out.append(AgentMonth(agent, month, "open", estimates[agent.id]))
    return out


# --- scope and lookups ------------------------------------------------------------------------


def agents_in_scope(scope: Scope):
    stmt = select(Agent).join(Wadah, Wadah.id == Agent.wadah_id).order_by(Agent.agent_code)
    if scope.role == "agent":
        return stmt.where(Agent.id == scope.agent_id)
    if not scope.is_admin:
        return stmt.where(Wadah.branch_id == scope.branch_id)
    return stmt


def can_see_agent(scope: Scope, agent: Agent) -> bool:
    if scope.role == "agent":
        return agent.id == scope.agent_id
    return scope.allows_branch(agent.wadah.branch_id)


def parse_public_id(public_id: str) -> tuple[Month, int]:
    """'2026-05-17' → (Month 2026-05, 17); anything else is a 404."""
    try:
        month, number = Month.parse(public_id[:7]), int(public_id[8:])
        bad = public_id[7] != "-" or number <= 0 or str(number) != public_id[8:]
        if bad or month.year >= 9999:
            raise ValueError(public_id)
    except (ValueError, IndexError):
        abort(404)
    return month, number


def get_agent_month(session: Session, scope: Scope, public_id: str) -> AgentMonth:
    month, agent_id = parse_public_id(public_id)
    agent = session.get(Agent, agent_id)
    if agent is None or not can_see_agent(scope, agent):
        abort(404)
    return agent_months(session, month, [agent])[0]


def branch_ids_for_close(session: Session, scope: Scope, branch_code: str | None) -> list[int]:
    """Supervisor: its branch. Admin: the branch named, or every branch ('all' or nothing)."""
    if branch_code in (None, "", "all"):
        if not scope.is_admin:
            return [scope.branch_id]
        return list(session.scalars(select(Branch.id).order_by(Branch.id)))
    branch = session.scalar(select(Branch).where(Branch.code == branch_code))
    if branch is None or not scope.allows_branch(branch.id):
        raise field_error("branch", "commissions.unknown_branch", location="query")
    return [branch.id]


def branch_codes(session: Session, branch_ids) -> dict[int, str]:
    rows = session.execute(select(Branch.id, Branch.code).where(Branch.id.in_(list(branch_ids))))
    return dict(rows.all())


def serialize_close(session: Session, result: CloseResult) -> dict:
    codes = branch_codes(session, result.closed)
    return {
        "month": str(result.month),
        "statements": result.statements,
        "branches": [
            {
                "branch": codes.get(branch),
                "closed_months": [str(m) for m in months],
                "already_closed": not months,
            }
            for branch, months in sorted(result.closed.items())
        ],
    }


# --- paid and acknowledged --------------------------------------------------------------------


def _closed_statement(item: AgentMonth) -> CommissionStatement:
    if item.state != "closed" or item.statement is None:
        raise Conflict("commissions.statement_open")
    return item.statement


def mark_statement_paid(
    session: Session, item: AgentMonth, *, paid_on: date, transfer_reference: str, by=None
) -> CommissionStatement:
    """Record the transfer to the Wadah's account; repeating the same details is a no-op."""
    statement = _closed_statement(item)
    if statement.paid_on is not None:
        if (statement.paid_on, statement.transfer_reference) != (paid_on, transfer_reference):
            raise Conflict("commissions.already_paid")
        return statement
    statement.paid_on = paid_on
    statement.transfer_reference = transfer_reference
    statement.paid_recorded_by_id = getattr(by, "id", None)
    session.flush()
    return statement


def acknowledge_statement(session: Session, item: AgentMonth, *, by=None) -> CommissionStatement:
    """The agent confirms the statement (once; repeating keeps the first time)."""
    statement = _closed_statement(item)
    if statement.acknowledged_at is None:
        statement.acknowledged_at = clock.now()
        statement.acknowledged_by_id = getattr(by, "id", None)
        session.flush()
    return statement


def mark_previously_registered(session: Session, *, worker, source: str, by=None):
    """The NIK was registered in BPU before: the worker never counts as a new participant."""
    existing = session.get(PriorRegistration, worker.id)
    if existing is not None:
        return existing
    row = PriorRegistration(worker_id=worker.id, source=source, noted_by_id=getattr(by, "id", None))
    session.add(row)
    session.flush()
    return row


def serialize_agent_month(item: AgentMonth, minimum: int | None = None) -> dict:
    figures, statement = item.figures, item.statement
    body = {
        "id": item.public_id,
        "agent_code": item.agent.agent_code,
        "agent_name": item.agent.full_name,
        "wadah": item.agent.wadah.name,
        "wadah_id": item.agent.wadah_id,
        "month": str(item.month),
        "state": item.state,
        **{name: int(figures[name]) for name in FIGURES},
        "rule_set_id": figures.get("rule_set_id"),
        "closed_at": None,
        "paid_on": None,
        "transfer_reference": None,
        "acknowledged_at": None,
    }
    if minimum is not None:
        body["acquisition_minimum"] = minimum
        body["new_participants_needed"] = max(0, minimum - body["new_participants"])
    if statement is not None:
        body["closed_at"] = statement.closed_at.isoformat()
        body["paid_on"] = statement.paid_on.isoformat() if statement.paid_on else None
        body["transfer_reference"] = statement.transfer_reference
        body["acknowledged_at"] = (
            statement.acknowledged_at.isoformat() if statement.acknowledged_at else None
        )
    return body

"""Report queries over the rollups (perisai.reports.rollups defines every figure).

Every function takes `branch_ids`: the branches the caller may see (a supervisor: its own; an
admin: all (None) or the one chosen). Agents never get here (routes refuse them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

import perisai.reports.messages  # noqa: F401 - registers the messages
from perisai import clock
from perisai.agents.models import Agent, Branch, Wadah
from perisai.auth.permissions import Scope
from perisai.errors import DomainError, NotAllowed
from perisai.months import Month
from perisai.regions.models import Region
from perisai.reports.models import AgentMonth, BranchMonth, DistrictMonth, WorkforceEstimate
from perisai.reports.rollups import RETENTION_LAGS, ensure_rollups
from perisai.workers.models import Worker, mask_nik, status_for

TREND_MONTHS = 12
OVERVIEW_FIGURES = (
    "new_participants",
    "first_payments",
    "active_participants",
    "grace_participants",
    "ended_participants",
    "collected_amount",
)
SORTS = {
    "rank": None,
    "new_participants": "new_participants",
    "first_payments": "first_payments",
    "first_payment_rate": "first_payment_rate",
    "active_participants": "active_participants",
    "retention_3": "retention_3",
    "retention_6": "retention_6",
    "retention_12": "retention_12",
    "collected_amount": "collected_amount",
    "agent_code": "agent_code",
    "name": "name",
}
AGENT_STATUSES = ("active", "suspended", "terminated")


def branch_ids_for(scope: Scope, branch_id: int | None = None) -> list[int] | None:
    """Supervisor: its branch. Admin: the branch asked for, or None (every branch)."""
    if scope.role == "supervisor" and scope.branch_id is not None:
        return [scope.branch_id]
    if scope.is_admin:
        return [branch_id] if branch_id else None
    raise NotAllowed("auth.role")


def current_month(zone: str | None = None) -> Month:
    """This month in the zone of the one asking (`perisai.agents.zones.of_user`)."""
    return clock.this_month(zone)


def _in(column, branch_ids):
    return column.in_(branch_ids) if branch_ids is not None else literal(True)


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# --- overview ---------------------------------------------------------------------------------


@dataclass
class Overview:
    month: Month
    current: dict
    previous: dict
    target: int
    trend: list[dict]
    commissions_due: int | None
    registered_total: int = 0
    commissions_note: str = ""


def overview(session: Session, branch_ids: list[int] | None, month: Month) -> Overview:
    """The month's figures against last month and the Wadah targets, with a 12-month trend."""
    months = [month - i for i in range(TREND_MONTHS - 1, -1, -1)]
    ensure_rollups(session, [month - TREND_MONTHS, *months], branch_ids)
    names = (*OVERVIEW_FIGURES, "registered_total")
    rows = session.execute(
        select(BranchMonth.month, *[func.sum(getattr(BranchMonth, n)) for n in names])
        .where(BranchMonth.month.between(month - TREND_MONTHS, month))
        .where(_in(BranchMonth.branch_id, branch_ids))
        .group_by(BranchMonth.month)
    ).all()
    by_month = {
        row[0]: {n: int(v or 0) for n, v in zip(names, row[1:], strict=True)} for row in rows
    }
    empty = dict.fromkeys(names, 0)
    trend = [{"month": m, **by_month.get(m, empty)} for m in months]
    target = session.scalar(
        select(func.coalesce(func.sum(Wadah.monthly_target), 0)).where(
            Wadah.status == "active", _in(Wadah.branch_id, branch_ids)
        )
    )
    due, note = commissions_due(session, branch_ids, month)
    current = by_month.get(month, empty)
    return Overview(
        month=month,
        current=current,
        previous=by_month.get(month - 1, empty),
        target=int(target or 0),
        trend=trend,
        commissions_due=due,
        registered_total=current["registered_total"],
        commissions_note=note,
    )


def commissions_due(session: Session, branch_ids, month: Month) -> tuple[int | None, str]:
    """What the closed statements of the month owe (agents' total + Wadah fee).

    A month still open owes nothing yet: its running estimate is per agent on the leaderboard
    (and on the commissions statements), not summed here, because estimating a whole branch
    costs more than the rest of the overview together.
    """
    from perisai.commissions.models import CommissionStatement
    from perisai.commissions.operations import last_closed_months

    total = session.scalar(
        select(
            func.coalesce(func.sum(CommissionStatement.total + CommissionStatement.wadah_fee), 0)
        ).where(CommissionStatement.month == month, _in(CommissionStatement.branch_id, branch_ids))
    )
    if branch_ids is None or len(branch_ids) != 1:
        return int(total), "reports.commissions_closed_only"
    last = last_closed_months(session, branch_ids).get(branch_ids[0])
    if last is not None and month <= last:
        return int(total), "reports.commissions_closed"
    return int(total), "reports.commissions_open"


# --- leaderboard -------------------------------------------------------------------------------


@dataclass
class AgentRow:
    rank: int
    agent: Agent
    wadah: Wadah
    figures: dict
    commission_total: int | None = None
    last_activity_on: date | None = None
    flags: list[str] = field(default_factory=list)

    def retention(self, lag: int) -> float | None:
        return ratio(self.figures[f"retained_{lag}"], self.figures[f"acquired_{lag}"])

    @property
    def first_payment_rate(self) -> float | None:
        return ratio(self.figures["acquired_0"], self.figures["registered_total"])

    def days_since_activity(self, as_of: date) -> int | None:
        return (as_of - self.last_activity_on).days if self.last_activity_on else None


FIGURES = (
    "new_participants",
    "first_payments",
    "active_participants",
    "grace_participants",
    "ended_participants",
    "collected_amount",
    "payments_count",
    "registered_total",
    *(f"{kind}_{n}" for n in RETENTION_LAGS for kind in ("acquired", "retained")),
)


def _month_sums(month: Month, branch_ids, names, agent_ids=None):
    """Per agent, the sums of `names` over the agent's rollup rows of the month (an agent who
    moved branch has a row in each)."""
    stmt = (
        select(
            AgentMonth.agent_id.label("agent_id"),
            *[func.sum(getattr(AgentMonth, n)).label(n) for n in names],
        )
        .where(AgentMonth.month == month, AgentMonth.agent_id.isnot(None))
        .where(_in(AgentMonth.branch_id, branch_ids))
        .group_by(AgentMonth.agent_id)
    )
    if agent_ids is not None:
        stmt = stmt.where(AgentMonth.agent_id.in_(agent_ids))
    return stmt


def _share(sums, part: str, whole: str):
    whole_col = func.coalesce(getattr(sums.c, whole), 0)
    return case((whole_col > 0, func.coalesce(getattr(sums.c, part), 0) * 1.0 / whole_col))


RANK_FIGURES = ("active_participants", "collected_amount", "first_payments")
SORT_NEEDS = {
    "first_payment_rate": ("acquired_0", "registered_total"),
    **{f"retention_{n}": (f"retained_{n}", f"acquired_{n}") for n in (3, 6, 12)},
}


def _agents_in_scope(branch_ids, *, wadah_id=None, status=None):
    stmt = select(Agent, Wadah).join(Wadah, Wadah.id == Agent.wadah_id)
    stmt = stmt.where(_in(Wadah.branch_id, branch_ids))
    if wadah_id:
        stmt = stmt.where(Agent.wadah_id == wadah_id)
    if status:
        stmt = stmt.where(Agent.status == status)
    return stmt


def leaderboard_query(
    month: Month, branch_ids, *, wadah_id=None, status=None, sort="rank", descending=True
):
    """Every agent of the branches (also those without a single figure this month), ranked:
    (Agent, Wadah) rows in order. Only the figures the order needs are summed here; a page's
    full figures are read for its agents alone (`_page_figures`).

    The rank rewards paying participants, not registrations: active participants, then money
    collected, then first payments; registrations that never pay add nothing.
    """
    key = SORTS.get(sort)
    names = dict.fromkeys([*RANK_FIGURES, *SORT_NEEDS.get(key, (key,) if key in FIGURES else ())])
    sums = _month_sums(month, branch_ids, list(names)).subquery()
    c = {n: func.coalesce(getattr(sums.c, n), 0) for n in names}
    rank_order = [
        c["active_participants"].desc(),
        c["collected_amount"].desc(),
        c["first_payments"].desc(),
        Agent.agent_code,
    ]
    stmt = _agents_in_scope(branch_ids, wadah_id=wadah_id, status=status).outerjoin(
        sums, sums.c.agent_id == Agent.id
    )
    if key is None:
        return stmt.order_by(*rank_order)
    if key in SORT_NEEDS:
        column = _share(sums, *SORT_NEEDS[key])
    else:
        column = {"agent_code": Agent.agent_code, "name": Agent.full_name}.get(key, c.get(key))
    ordered = column.desc() if descending else column.asc()
    nulls = case((column.is_(None), 1), else_=0)
    return stmt.order_by(nulls, ordered, *rank_order)


def _page_figures(session: Session, month: Month, branch_ids, agent_ids) -> dict[int, dict]:
    rows = session.execute(_month_sums(month, branch_ids, FIGURES, agent_ids)).all()
    return {row[0]: {n: int(v or 0) for n, v in zip(FIGURES, row[1:], strict=True)} for row in rows}


def leaderboard(
    session: Session,
    branch_ids,
    month: Month,
    *,
    page: int = 1,
    page_size: int = 50,
    with_commissions: bool = True,
    **filters,
) -> tuple[list[AgentRow], int]:
    """One page of ranked agents with commission, last activity and standing flags."""
    ensure_rollups(session, [month], branch_ids)
    scope = {k: filters.get(k) for k in ("wadah_id", "status")}
    counted = _agents_in_scope(branch_ids, **scope).with_only_columns(func.count(Agent.id))
    total = session.scalar(counted)
    stmt = leaderboard_query(month, branch_ids, **filters)
    rows = session.execute(stmt.limit(page_size).offset((page - 1) * page_size)).all()
    figures = _page_figures(session, month, branch_ids, [agent.id for agent, _ in rows])
    empty = dict.fromkeys(FIGURES, 0)
    out = [
        AgentRow(
            rank=(page - 1) * page_size + i + 1,
            agent=agent,
            wadah=wadah,
            figures=dict(figures.get(agent.id, empty)),
        )
        for i, (agent, wadah) in enumerate(rows)
    ]
    decorate(session, out, month, with_commissions=with_commissions)
    return out, total


def iter_leaderboard(session: Session, branch_ids, month: Month, chunk: int = 500, **filters):
    """Every ranked agent, a chunk at a time (exports)."""
    page = 1
    while True:
        rows, total = leaderboard(session, branch_ids, month, page=page, page_size=chunk, **filters)
        yield from rows
        if page * chunk >= total:
            return
        page += 1


def decorate(session: Session, rows: list[AgentRow], month: Month, *, with_commissions=True):
    """Commission (closed statement or running estimate), last activity and flags."""
    if not rows:
        return
    from perisai.commissions.models import StandingFlag
    from perisai.commissions.operations import agent_months

    ids = [r.agent.id for r in rows]
    last = dict(
        session.execute(
            select(AgentMonth.agent_id, func.max(AgentMonth.last_activity_on))
            .where(AgentMonth.agent_id.in_(ids), AgentMonth.month <= month)
            .group_by(AgentMonth.agent_id)
        ).all()
    )
    flags: dict[int, list[str]] = {}
    for agent_id, kind, reason in session.execute(
        select(StandingFlag.agent_id, StandingFlag.kind, StandingFlag.reason)
        .where(StandingFlag.month == month, StandingFlag.agent_id.in_(ids))
        .order_by(StandingFlag.kind)
    ):
        flags.setdefault(agent_id, []).append(f"{kind}:{reason}")
    commissions = {}
    if with_commissions:
        try:
            commissions = {
                m.agent.id: m.figures["total"]
                for m in agent_months(session, month, [r.agent for r in rows])
            }
        except DomainError:
            commissions = {}
    for row in rows:
        row.last_activity_on = last.get(row.agent.id)
        row.commission_total = commissions.get(row.agent.id)
        row.flags = list(flags.get(row.agent.id, []))
        if row.agent.status != "active":
            row.flags.insert(0, f"status:{row.agent.status}")
        if row.figures["registered_total"] and not row.figures["acquired_0"]:
            row.flags.append("registrations_never_paid")


def serialize_agent_row(row: AgentRow, as_of: date) -> dict:
    """The API.md row, plus the page's extra columns."""
    f = row.figures
    return {
        "agent_code": row.agent.agent_code,
        "name": row.agent.full_name,
        "wadah": row.wadah.name,
        "new_participants": f["new_participants"],
        "first_payments": f["first_payments"],
        "active_participants": f["active_participants"],
        "retention_rate": row.retention(0),
        "collected_amount": f["collected_amount"],
        "commission_total": row.commission_total,
        "flags": row.flags,
        "rank": row.rank,
        "status": row.agent.status,
        "first_payment_rate": row.first_payment_rate,
        "retention_3": row.retention(3),
        "retention_6": row.retention(6),
        "retention_12": row.retention(12),
        "grace_participants": f["grace_participants"],
        "payments_count": f["payments_count"],
        "days_since_last_activity": row.days_since_activity(as_of),
    }


def as_of_day(month: Month, zone: str | None = None) -> date:
    """The day 'days since last activity' counts to: today in this month, else its last day."""
    today = clock.today(zone)
    return today if Month.of(today) == month else month.last_day()


# --- agent detail ----------------------------------------------------------------------------


def agent_trend(session: Session, agent: Agent, month: Month) -> list[dict]:
    months = [month - i for i in range(TREND_MONTHS - 1, -1, -1)]
    ensure_rollups(session, months, [agent.wadah.branch_id])
    rows = session.execute(
        select(AgentMonth.month, *[func.sum(getattr(AgentMonth, n)) for n in FIGURES])
        .where(AgentMonth.agent_id == agent.id, AgentMonth.month.in_(months))
        .group_by(AgentMonth.month)
    ).all()
    by_month = {r[0]: {n: int(v or 0) for n, v in zip(FIGURES, r[1:], strict=True)} for r in rows}
    empty = dict.fromkeys(FIGURES, 0)
    return [{"month": m, **by_month.get(m, empty)} for m in months]


def status_counts(session: Session, agent: Agent, month: Month) -> dict[str, int]:
    """The agent's managed participants by status now (from covered_until, as of `month`)."""
    until = Worker.covered_until
    status = case(
        (Worker.died_on.is_not(None), "ended"),  # a participant who died
        (until.is_(None), "registered"),
        (until >= month, "active"),
        (until >= month - 3, "grace"),
        else_="ended",
    )
    counts = dict.fromkeys(("registered", "active", "grace", "ended"), 0)
    for name, count in session.execute(
        select(status, func.count()).where(Worker.managed_by_id == agent.id).group_by(status)
    ):
        counts[name] = int(count)
    return counts


def map_points(session: Session, agent: Agent, limit: int = 2000) -> list[dict]:
    """Registration points (GPS) of the agent's participants; no names or NIK."""
    rows = session.execute(
        select(Worker.lat, Worker.lon, Worker.covered_until)
        .where(Worker.registered_by_id == agent.id, Worker.lat.isnot(None))
        .order_by(Worker.created_at.desc())
        .limit(limit)
    )
    return [
        {"lat": lat, "lon": lon, "covered_until": str(c) if c else None} for lat, lon, c in rows
    ]


def renewal_backlog(session: Session, agent: Agent, month: Month, limit: int = 100) -> list:
    """Managed participants due this month or in grace (arrears still payable), oldest first."""
    return session.scalars(
        select(Worker)
        .where(
            Worker.managed_by_id == agent.id,
            Worker.died_on.is_(None),  # no payment request after a death (DOMAIN.md §10)
            Worker.covered_until.between(month - 3, month),
        )
        .order_by(Worker.covered_until, Worker.full_name)
        .limit(limit)
    ).all()


# --- regions ---------------------------------------------------------------------------------


@dataclass
class RegionRow:
    code: str
    name: str
    registered: int
    active: int
    estimate: int | None

    @property
    def coverage(self) -> float | None:
        return ratio(self.active, self.estimate) if self.estimate else None

    @property
    def registered_coverage(self) -> float | None:
        return ratio(self.registered, self.estimate) if self.estimate else None


def regions(
    session: Session, branch_ids, month: Month, *, level: str = "regency", parent: str | None = None
) -> list[RegionRow]:
    """Registered and active participants per regency (or district of `parent`) against the
    workforce estimate, ranked by active coverage (regions without an estimate last)."""
    ensure_rollups(session, [month], branch_ids)
    width = 5 if level == "regency" else 8
    code = func.substr(DistrictMonth.district_code, 1, width)
    stmt = (
        select(code, func.sum(DistrictMonth.registered), func.sum(DistrictMonth.active))
        .where(DistrictMonth.month == month, _in(DistrictMonth.branch_id, branch_ids))
        .group_by(code)
    )
    if parent:
        stmt = stmt.where(DistrictMonth.district_code.like(f"{parent}.%"))
    sums = {c: (int(r or 0), int(a or 0)) for c, r, a in session.execute(stmt)}
    codes = list(sums)
    names = dict(
        session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all()
    )
    estimates = dict(
        session.execute(
            select(WorkforceEstimate.region_code, WorkforceEstimate.informal_workers).where(
                WorkforceEstimate.region_code.in_(codes)
            )
        ).all()
    )
    rows = [
        RegionRow(code, names.get(code, code), *sums[code], estimates.get(code)) for code in codes
    ]
    rows.sort(key=lambda r: (r.coverage is None, -(r.coverage or 0), -r.active, r.code))
    return rows


def upload_estimates(session: Session, text: str, *, source: str, by=None) -> int:
    """Replace workforce estimates from CSV lines `region_code,informal_workers` (header
    optional). All or nothing: a bad line raises 422 naming the line."""
    import csv
    import io

    from perisai.errors import field_error

    parsed: dict[str, int] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        code, value = (cell.strip() for cell in [*row, ""][:2])
        if number == 1 and not value.isdigit():
            continue  # a header
        if len(row) < 2 or not value.isdigit() or len(code.split(".")) not in (2, 3):
            raise field_error("file", f"reports.estimate_line|{number}")
        parsed[code] = int(value)
    if not parsed:
        raise field_error("file", "reports.estimate_empty")
    for code, value in parsed.items():
        row = session.get(WorkforceEstimate, code)
        if row is None:
            session.add(
                WorkforceEstimate(
                    region_code=code, informal_workers=value, source=source, updated_by_id=by
                )
            )
        else:
            row.informal_workers, row.source, row.updated_by_id = value, source, by
    session.flush()
    return len(parsed)


# --- participants export ----------------------------------------------------------------------

PARTICIPANT_COLUMNS = (
    "membership_number",
    "nik",
    "full_name",
    "agent_code",
    "village_code",
    "status",
    "first_paid_month",
    "covered_until",
    "registered_on",
)


def participant_rows(session: Session, branch_ids, month: Month, *, full_nik: bool, agent_id=None):
    """Participants in scope as export rows, streamed from the database (NIK masked unless
    `full_nik`)."""
    stmt = (
        select(Worker, Agent.agent_code)
        .outerjoin(Agent, Agent.id == Worker.managed_by_id)
        .where(_in(Worker.branch_id, branch_ids), Worker.anonymised_at.is_(None))
        .order_by(Worker.membership_number)
        .execution_options(yield_per=1000)
    )
    if agent_id:
        stmt = stmt.where(Worker.managed_by_id == agent_id)
    for worker, agent_code in session.execute(stmt):
        yield [
            worker.membership_number,
            worker.nik if full_nik else mask_nik(worker.nik),
            worker.full_name,
            agent_code or "",
            worker.village_code,
            status_for(worker.covered_until, month, worker.died_on),
            str(worker.first_paid_month or ""),
            str(worker.covered_until or ""),
            worker.created_at.date().isoformat(),
        ]


# --- lookups ---------------------------------------------------------------------------------


def visible_agent(session: Session, branch_ids, agent_code: str) -> Agent | None:
    agent = session.scalars(select(Agent).where(Agent.agent_code == agent_code)).first()
    if agent is None or (branch_ids is not None and agent.wadah.branch_id not in branch_ids):
        return None
    return agent


def visible_wadah(session: Session, branch_ids, wadah_id: int) -> Wadah | None:
    wadah = session.get(Wadah, wadah_id)
    if wadah is None or (branch_ids is not None and wadah.branch_id not in branch_ids):
        return None
    return wadah


def branches(session: Session) -> list[Branch]:
    return session.scalars(select(Branch).order_by(Branch.code)).all()


def wadahs(session: Session, branch_ids) -> list[Wadah]:
    return session.scalars(
        select(Wadah).where(_in(Wadah.branch_id, branch_ids)).order_by(Wadah.name)
    ).all()


def wadah_fee(session: Session, wadah: Wadah, month: Month) -> int | None:
    """The Wadah's fee for the month: 10 % of its agents' incentive (closed or estimated)."""
    from perisai.commissions.operations import agent_months

    try:
        return sum(m.figures["wadah_fee"] for m in agent_months(session, month, list(wadah.agents)))
    except DomainError:
        return None

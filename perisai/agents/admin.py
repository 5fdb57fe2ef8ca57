"""A branch's Wadah and agents as its supervisor administers them (issue 17): the Wadah list with
its warnings, a Wadah or an agent created and edited, a new agent's login, and suspension,
reinstatement and dismissal under the standing rules (DOMAIN.md §1, §4).

Every check comes before anything changes, and a form's problems are reported together, field
by field (`ValidationFailed` with `errors["form"]`), so a refusal leaves the stored data as it
was. Each change is an audit event and a suspension, reinstatement or dismissal also a row of
`agent_status_changes`. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents import operations
from perisai.agents.models import AGENT_STATUS_REASONS, Agent, AgentStatusChange, Branch, Wadah
from perisai.audit.operations import Actor, record_many
from perisai.auth.models import User
from perisai.auth.operations import create_user, normalise_username
from perisai.commissions import standing
from perisai.commissions.rules import rule_set_for
from perisai.errors import Conflict, DomainError, ValidationFailed
from perisai.months import Month
from perisai.workers.models import Worker, mask_nik
from perisai.workers.nik import check_nik
from perisai.workers.validation import normalise_phone

PKS_WARNING_DAYS = 30  # a PKS ending within this many days is flagged for renewal
MIN_ACTIVE_AGENTS = 5  # DOMAIN.md §1: a Wadah coordinates at least 5 agents
MIN_AGENT_AGE = 18  # DOMAIN.md §1: an agent is at least 18
MIN_PASSWORD = 10  # perisai.auth.operations.create_user refuses shorter ones


@dataclass
class WadahRow:
    wadah: Wadah
    agents: int
    active_agents: int
    warnings: list[str]


def wadah_warnings(wadah: Wadah, active_agents: int, today: date) -> list[str]:
    """Tokens of what the branch should act on: the PKS ended or ends soon, too few agents."""
    warnings = []
    if wadah.pks_end < today:
        warnings.append("pks_ended")
    elif (wadah.pks_end - today).days <= PKS_WARNING_DAYS:
        warnings.append("pks_ending")
    if active_agents < MIN_ACTIVE_AGENTS:
        warnings.append("few_agents")
    return warnings


def wadah_rows(
    session: Session,
    visible: ColumnElement[bool],
    today: date,
    *,
    page: int = 1,
    page_size: int = 100,
) -> tuple[list[WadahRow], int]:
    """A page of the Wadah that `visible` admits (the caller's `Scope.branches(Wadah.branch_id)`)
    with their agent counts and warnings, and how many Wadah there are."""
    stmt = select(Wadah).where(visible)
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    stmt = stmt.order_by(Wadah.name, Wadah.id).offset((page - 1) * page_size).limit(page_size)
    wadahs = session.scalars(stmt).all()
    counts: dict[int, dict[str, int]] = {}
    rows = session.execute(
        select(Agent.wadah_id, Agent.status, func.count())
        .where(Agent.wadah_id.in_([w.id for w in wadahs]))
        .group_by(Agent.wadah_id, Agent.status)
    )
    for wadah_id, status, count in rows:
        counts.setdefault(wadah_id, {})[status] = count
    out = []
    for wadah in wadahs:
        by_status = counts.get(wadah.id, {})
        active = by_status.get("active", 0)
        out.append(
            WadahRow(wadah, sum(by_status.values()), active, wadah_warnings(wadah, active, today))
        )
    return out, total


def active_agent_count(session: Session, wadah: Wadah) -> int:
    return session.scalar(
        select(func.count()).where(Agent.wadah_id == wadah.id, Agent.status == "active")
    )


def _audit(session: Session, by, via: str, action: str, entity_type: str, entity_id) -> None:
    """The change's event: `by` (a user) did `action` to the record, through `via`."""
    record_many(session, Actor.of(by, via), [(action, entity_type, entity_id)])


def _refuse(errors: dict[str, list[str]]) -> None:
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, {"form": errors})


# --- Wadah -----------------------------------------------------------------------------------

WADAH_FIELDS = (
    "name",
    "pks_number",
    "pks_start",
    "pks_end",
    "bank_name",
    "bank_account",
    "monthly_target",
)


def save_wadah(
    session: Session,
    *,
    values: dict,
    by,
    via: str,
    wadah: Wadah | None = None,
    branch: Branch | None = None,
) -> Wadah:
    """Create a Wadah in `branch`, or change `wadah`; the PKS runs at most one year."""
    if not operations.pks_period_ok(values["pks_start"], values["pks_end"]):
        _refuse({"pks_end": ["agents.pks_period"]})
    if wadah is None:
        wadah = operations.create_wadah(session, branch=branch, **values)
        _audit(session, by, via, "create", "wadah", wadah.id)
        return wadah
    for name in WADAH_FIELDS:
        setattr(wadah, name, values[name])
    session.flush()
    _audit(session, by, via, "update", "wadah", wadah.id)
    return wadah


# --- agents ----------------------------------------------------------------------------------


def _agent_problems(session: Session, values: dict, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    code = values["agent_code"]
    if session.scalar(select(Agent.id).where(Agent.agent_code == code)) is not None:
        errors["agent_code"] = ["agents.code_taken"]
    nik = check_nik(values["nik"], today=today)
    if not nik.ok:
        errors["nik"] = nik.errors
    elif nik.birth_date > _years_before(today, MIN_AGENT_AGE):
        errors["nik"] = [f"agents.too_young|{MIN_AGENT_AGE}"]
    elif session.scalar(select(Agent.id).where(Agent.nik == values["nik"])) is not None:
        errors["nik"] = ["agents.nik_taken"]
    if normalise_phone(values["phone"]) is None:
        errors["phone"] = ["workers.phone_invalid"]
    if values["joined_on"] > today:
        errors["joined_on"] = ["agents.joined_future"]
    username = normalise_username(values["username"])
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = ["auth.username_taken"]
    if len(values["password"]) < MIN_PASSWORD:
        errors["password"] = ["auth.password_short"]
    return errors


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def add_agent(
    session: Session, *, wadah: Wadah, values: dict, by, today: date, via: str
) -> tuple[Agent, User]:
    """A new active agent of `wadah` and the login it signs in to the PWA with."""
    _refuse(_agent_problems(session, values, today))
    agent = operations.create_agent(
        session,
        wadah=wadah,
        agent_code=values["agent_code"],
        full_name=values["full_name"],
        nik=values["nik"],
        phone=normalise_phone(values["phone"]),
        joined_on=values["joined_on"],
    )
    user = create_user(
        session,
        username=values["username"],
        password=values["password"],
        role="agent",
        agent=agent,
    )
    _audit(session, by, via, "create", "agent", agent.agent_code)
    return agent, user


def update_agent(
    session: Session, agent: Agent, *, full_name: str, phone: str, wadah: Wadah, by, via: str
) -> Agent:
    """Name, phone and Wadah (one of the same branch: the portfolio stays in the branch)."""
    errors = {}
    if normalise_phone(phone) is None:
        errors["phone"] = ["workers.phone_invalid"]
    if wadah.branch_id != agent.wadah.branch_id:
        errors["wadah"] = ["agents.wadah_other_branch"]
    _refuse(errors)
    agent.full_name = full_name
    agent.phone = normalise_phone(phone)
    agent.wadah = wadah
    session.flush()
    _audit(session, by, via, "update", "agent", agent.agent_code)
    return agent


def _record_status(session, agent: Agent, status: str, *, by, reason=None, note=None) -> None:
    session.add(
        AgentStatusChange(
            agent_id=agent.id,
            status_from=agent.status,
            status_to=status,
            reason=reason,
            note=note or None,
            changed_by_id=by.id if by is not None else None,
            changed_at=clock.now(),
        )
    )
    agent.set_status(status)


def suspend_agent(session: Session, agent: Agent, *, by, via: str, note: str = "") -> Agent:
    """Suspended: no registration or payment until reinstated (perisai.auth.permissions)."""
    if agent.status != "active":
        raise Conflict("agents.not_active")
    _record_status(session, agent, "suspended", by=by, reason="no_activity", note=note)
    session.flush()
    _audit(session, by, via, "suspend", "agent", agent.agent_code)
    return agent


def earliest_reinstatement(session: Session, agent: Agent, today: date) -> date | None:
    """The first day a suspended agent may be reinstated (the rule's reactivation months
    after the suspension, as perisai.commissions.standing counts them); None unless suspended."""
    return standing.earliest_reactivation(session, agent, today)


def reinstate_agent(session: Session, agent: Agent, *, by, today: date, via: str) -> Agent:
    """Back to active, refused before the earliest date the standing rules allow."""
    earliest = earliest_reinstatement(session, agent, today)
    if earliest is None:
        raise Conflict("commissions.not_suspended")
    if today < earliest:
        raise Conflict(f"agents.reinstate_early|{earliest.isoformat()}", extra={"on": earliest})
    session.add(
        AgentStatusChange(
            agent_id=agent.id,
            status_from=agent.status,
            status_to="active",
            changed_by_id=by.id if by is not None else None,
            changed_at=clock.now(),
        )
    )
    standing.reactivate_agent(session, agent=agent, today=today)
    _audit(session, by, via, "reinstate", "agent", agent.agent_code)
    return agent


def dismiss_agent(session: Session, agent: Agent, *, reason: str, note: str, by, via: str) -> Agent:
    """Dismissed for good (status "terminated"), with the reason; "other" needs a note."""
    errors = {}
    if agent.status == "terminated":
        raise Conflict("agents.already_dismissed")
    if reason not in AGENT_STATUS_REASONS:
        errors["reason"] = ["agents.dismiss_reason"]
    elif reason == "other" and not note:
        errors["note"] = ["agents.dismiss_note"]
    _refuse(errors)
    _record_status(session, agent, "terminated", by=by, reason=reason, note=note)
    session.flush()
    _audit(session, by, via, "dismiss", "agent", agent.agent_code)
    return agent


# --- what the agent page shows -----------------------------------------------------------------


def status_history(session: Session, agent: Agent) -> list[tuple[AgentStatusChange, str | None]]:
    return list(
        session.execute(
            select(AgentStatusChange, User.username)
            .outerjoin(User, User.id == AgentStatusChange.changed_by_id)
            .where(AgentStatusChange.agent_id == agent.id)
            .order_by(AgentStatusChange.changed_at.desc(), AgentStatusChange.id.desc())
        ).all()
    )


def portfolio_count(session: Session, agent: Agent) -> int:
    return session.scalar(select(func.count()).where(Worker.managed_by_id == agent.id))


def login_of(session: Session, agent: Agent) -> User | None:
    return session.scalar(select(User).where(User.agent_id == agent.id))


@dataclass
class AgentPanel:
    """What the agent page's administration box shows."""

    login: User | None
    nik_masked: str
    portfolio: int
    earliest_reinstatement: date | None
    reactivation_months: int | None
    history: list


def agent_panel(session: Session, agent: Agent, today: date) -> AgentPanel:
    try:
        months = rule_set_for(session, Month.of(today), location="query").reactivation_months
        earliest = earliest_reinstatement(session, agent, today)
    except DomainError:  # no commission rules yet: the page still opens
        months, earliest = None, None
    return AgentPanel(
        login=login_of(session, agent),
        nik_masked=mask_nik(agent.nik),
        portfolio=portfolio_count(session, agent),
        earliest_reinstatement=earliest,
        reactivation_months=months,
        history=status_history(session, agent),
    )

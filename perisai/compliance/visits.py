"""The joint inspection team's visit list: an employer of the gap report put on the list with
a day and the team, and what the visit found (registered the workers on the spot, promised
to, refused, disputes the labour office's figure, closed, not found at the address), with a
note. One visit per line of a list; an outcome is recorded once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from perisai import clock, zones
from perisai.audit.operations import Actor, record_many
from perisai.auth.permissions import Scope
from perisai.compliance.gaps import gap_lines, gap_query
from perisai.compliance.models import ComplianceVisit, Headcount
from perisai.errors import Conflict, field_error


def plan_visit(
    session: Session, *, headcount: Headcount, planned_on: date, team: str, by=None
) -> tuple[ComplianceVisit, bool]:
    """Put the employer of this line on the visit list; (visit, created)."""
    existing = session.scalar(
        select(ComplianceVisit).where(ComplianceVisit.headcount_id == headcount.id)
    )
    if existing is not None:
        if (existing.planned_on, existing.team) == (planned_on, team):
            return existing, False
        message = "compliance.visit_planned"
        raise Conflict(
            message, {"json": {"headcount_id": [message]}}, extra={"visit_id": existing.id}
        )
    line = _line_of(session, headcount)
    visit = ComplianceVisit(
        headcount_id=line.headcount_id,
        branch_id=headcount.headcount_list.branch_id,
        planned_on=planned_on,
        team=" ".join(team.split()),
        state="planned",
        gap_when_planned=line.gap,
        planned_by_id=getattr(by, "id", None),
    )
    session.add(visit)
    session.flush()
    record_many(session, Actor.current(), [("create", "visit", visit.id)])
    return visit, True


def _line_of(session: Session, headcount: Headcount):
    return lines_for(session, [headcount])[headcount.id]


def lines_for(session: Session, headcounts: list[Headcount]) -> dict:
    """headcount id → the gap line it belongs to now (a matched employer's rows are one line),
    read in one query for a page of visits."""
    matched = {h.employer_id for h in headcounts if h.employer_id is not None}
    alone = {h.id for h in headcounts if h.employer_id is None}
    if not headcounts:
        return {}
    stmt = gap_query(sorted({h.list_id for h in headcounts})).where(
        or_(Headcount.employer_id.in_(matched), Headcount.id.in_(alone))
    )
    lines = gap_lines(session, stmt)
    by_employer = {line.employer_id: line for line in lines if line.employer_id is not None}
    by_row = {line.headcount_id: line for line in lines if line.employer_id is None}
    return {
        h.id: by_employer[h.employer_id] if h.employer_id is not None else by_row[h.id]
        for h in headcounts
    }


class VisitView:
    """A visit with its employer's line of the gap report as it stands now."""

    __slots__ = ("line", "visit")

    def __init__(self, visit: ComplianceVisit, line):
        self.visit, self.line = visit, line


def visit_views(session: Session, visits: list[ComplianceVisit]) -> list[VisitView]:
    lines = lines_for(session, [visit.headcount for visit in visits])
    return [VisitView(visit, lines[visit.headcount_id]) for visit in visits]


def record_outcome(
    session: Session, *, visit: ComplianceVisit, data: dict, by=None
) -> ComplianceVisit:
    """What the visit found; the same outcome again changes nothing, another one is a 409."""
    outcome, visited_on = data["outcome"], data["visited_on"]
    note = (data.get("note") or "").strip() or None
    if visit.state == "visited":
        if (visit.outcome, visit.visited_on, visit.note) == (outcome, visited_on, note):
            return visit
        message = "compliance.visit_recorded"
        raise Conflict(message, {"json": {"outcome": [message]}})
    if visited_on > clock.today(zones.of_branch(session, visit.branch_id)):
        raise field_error("visited_on", "compliance.visited_on_future")
    visit.state, visit.outcome, visit.visited_on, visit.note = "visited", outcome, visited_on, note
    visit.recorded_by_id = getattr(by, "id", None)
    record_many(session, Actor.current(), [("update", "visit", visit.id)])
    return visit


def visit_list(
    scope: Scope, *, state: str | None = None, regency_code: str | None = None
) -> Select:
    """The visits in scope: planned first by day, then those visited, newest first."""
    stmt = (
        select(ComplianceVisit)
        .join(Headcount, Headcount.id == ComplianceVisit.headcount_id)
        .where(scope.branches(ComplianceVisit.branch_id))
        .order_by(
            ComplianceVisit.state,
            ComplianceVisit.planned_on,
            ComplianceVisit.visited_on.desc(),
            ComplianceVisit.id,
        )
    )
    if state:
        stmt = stmt.where(ComplianceVisit.state == state)
    if regency_code:
        stmt = stmt.where(Headcount.regency_code == regency_code)
    return stmt

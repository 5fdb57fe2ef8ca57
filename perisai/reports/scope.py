"""Whose figures a report shows, and the month it is for them.

Every report function takes the caller's `Scope` (perisai.auth.permissions), narrowed to the
branch the report asks for with `Scope.within` (a supervisor: its own; an admin: every branch,
or the one chosen), and reads it as SQL: `scope.branches(column)`, `scope.agents()`, and
`scope.agent_by_code()` / `scope.wadah()` to load a record or raise NotFound. Agents never get
here (`within` refuses them). This module keeps what reports share beside that: the month, and
the lists of branches and Wadah a page offers to choose from.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents.models import Branch, Wadah
from perisai.auth.permissions import Scope
from perisai.months import Month


def current_month(zone: str | None = None) -> Month:
    """This month in the zone of the one asking (`perisai.zones.of_user`)."""
    return clock.this_month(zone)


def branches(session: Session) -> list[Branch]:
    return session.scalars(select(Branch).order_by(Branch.code)).all()


def wadahs(session: Session, scope: Scope) -> list[Wadah]:
    """The Wadah of the scope's branches, by name."""
    return session.scalars(
        select(Wadah).where(scope.branches(Wadah.branch_id)).order_by(Wadah.name)
    ).all()

"""Whose "today" a request uses (DOMAIN.md §7): always a branch's time zone (WIB, WITA, WIT).

A participant's status, coverage, quote and payment day follow the participant's branch; an
agent's or supervisor's own screens, and their commission months, follow their branch; an
administrator without a branch works in WIB. The dates themselves come from `perisai.clock`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents.models import Branch


def of_branch(session: Session, branch_id: int | None) -> str:
    """The branch's zone name; WIB for no branch (a branch is read once per session)."""
    if branch_id is None:
        return clock.DEFAULT_ZONE
    with session.no_autoflush:  # a sync batch may hold staged rows it flushes itself
        branch = session.get(Branch, branch_id)
    # The identity map holds rows weakly: without a reference the branch is collected and the
    # next participant's lookup is a query again (one per participant of a list).
    session.info.setdefault("zone_branches", {})[branch_id] = branch
    return branch.time_zone if branch is not None and branch.time_zone else clock.DEFAULT_ZONE


def of_user(session: Session, user) -> str:
    """An agent's branch (through its Wadah), a supervisor's branch, WIB for an admin."""
    return of_branch(session, getattr(user, "scope_branch_id", None))


def of_scope(session: Session, scope) -> str:
    return of_branch(session, scope.branch_id)


def of_worker(session: Session, worker) -> str:
    return of_branch(session, worker.branch_id)


def today_of_branch(session: Session, branch_id: int | None) -> date:
    return clock.today(of_branch(session, branch_id))


def today_of_user(session: Session, user) -> date:
    return clock.today(of_user(session, user))


def today_of_worker(session: Session, worker) -> date:
    """The participant's today: what their status, coverage, quotes and payments go by."""
    return clock.today(of_worker(session, worker))

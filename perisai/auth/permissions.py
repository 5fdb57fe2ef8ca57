"""Role and scope checks shared by every route, and the one access API of every feature.

Scope: an agent sees what it registered or manages, a supervisor its branch, an admin everything
(or, `Scope.within`, the one branch it chose on a report or page). `Scope.workers()`,
`.agents()`, `.branches()` say so in SQL, `Scope.sees_*` for a loaded record, `.branch_ids()`
names the branches where a list is needed (a close), and `Scope.worker()` / `.agent()` /
`.agent_by_code()` / `.wadah()` / `or_404()` load a record or raise `NotFound`: records outside
the caller's scope are reported as 404, never 403, so ids cannot be probed.
"""

from __future__ import annotations

import functools
import hmac
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TypeVar
from urllib.parse import urlsplit

from flask import request, session
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from perisai.agents.models import Agent, Branch, Wadah
from perisai.errors import NotAllowed, NotFound, Unauthenticated
from perisai.workers.models import Worker

T = TypeVar("T")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writes a suspended or dismissed agent may still make: leaving, or logging in as someone else.
ALWAYS_ALLOWED_ENDPOINTS = frozenset(
    {"auth.Login", "auth.Logout", "supervisor.login", "supervisor.logout"}
)


@dataclass(frozen=True)
class Scope:
    """What one caller may see. Each condition is SQL (an admin's is `true()`), never a list of
    ids or None; each `sees_*` is the same rule for a record already loaded."""

    role: str
    agent_id: int | None
    branch_id: int | None
    user_id: int | None = None  # records owned by a user (import jobs) rather than an agent
    chosen_branch_id: int | None = None  # an admin's choice of one branch (`within`)

    @classmethod
    def of(cls, user) -> Scope:
        return cls(user.role, user.agent_id, user.scope_branch_id, user.id)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def every_branch(self) -> bool:
        """An admin who has not chosen a branch: no branch condition at all (`true()`)."""
        return self.is_admin and self.chosen_branch_id is None

    @property
    def one_branch_id(self) -> int | None:
        """The one branch the scope is limited to: a supervisor's (an agent's) own, the one an
        admin chose; None for an admin's whole country."""
        return self.chosen_branch_id if self.is_admin else self.branch_id

    def within(self, branch_id: int | None) -> Scope:
        """The scope of a report or page for the branch asked for (`?branch=`, `branch_id`): an
        admin who chose one sees that branch only (nothing chosen: every branch); a supervisor
        stays on its own branch whatever it asks. Anyone else has no report: NotAllowed."""
        if self.is_admin:
            return replace(self, chosen_branch_id=branch_id) if branch_id else self
        if self.role == "supervisor" and self.branch_id is not None:
            return self
        raise NotAllowed("auth.role")

    # --- the rule, for any record ---------------------------------------------------------

    def where(self, *, branch, agents: Iterable = (), user=None) -> ColumnElement[bool]:
        """Records the scope may see, given their columns: a supervisor those of its `branch`
        (an admin who chose one, those of that one); an agent those whose `agents` columns
        name it or whose `user` column is its user."""
        if self.every_branch:
            return true()
        if self.role == "agent":
            owned = [column == self.agent_id for column in agents if self.agent_id is not None]
            if user is not None and self.user_id is not None:
                owned.append(user == self.user_id)
            return or_(*owned) if owned else false()
        return self.branches(branch)

    def sees(self, *, branch_id: int | None, agent_ids: Iterable = (), user_id=None) -> bool:
        """`where()` for a record already loaded."""
        if self.every_branch:
            return True
        if self.role == "agent":
            mine = self.agent_id is not None and self.agent_id in tuple(agent_ids)
            return mine or (self.user_id is not None and user_id == self.user_id)
        return self.allows_branch(branch_id)

    def allows_branch(self, branch_id: int | None) -> bool:
        """The branch is the caller's own (an agent's too) or the one an admin chose, or the
        caller is an admin who chose none."""
        if self.every_branch:
            return True
        return branch_id is not None and branch_id == self.one_branch_id

    # --- participants ------------------------------------------------------------------------

    def workers(self) -> ColumnElement[bool]:
        """The where-clause of every participant list."""
        return self.where(
            branch=Worker.branch_id, agents=(Worker.managed_by_id, Worker.registered_by_id)
        )

    def sees_worker(self, worker) -> bool:
        agents = (worker.registered_by_id, worker.managed_by_id)
        return self.sees(branch_id=worker.branch_id, agent_ids=agents)

    def sees_full_nik(self, worker) -> bool:
        """An agent sees the full NIK of those it registered only; others as they see them."""
        if self.role == "agent":
            return self.agent_id is not None and worker.registered_by_id == self.agent_id
        return self.sees_worker(worker)

    def worker(self, session: Session, worker_id) -> Worker:
        """The participant, or NotFound whether it is missing or outside the scope."""
        try:
            key = uuid.UUID(str(worker_id))
        except ValueError:
            raise NotFound() from None
        worker = session.get(Worker, key)
        return or_404(worker, worker is not None and self.sees_worker(worker))

    # --- agents and branches -------------------------------------------------------------

    def agents(self) -> Select:
        """The agents the scope may see (an agent: itself), with their Wadah joined."""
        visible = self.where(branch=Wadah.branch_id, agents=(Agent.id,))
        return select(Agent).join(Wadah, Wadah.id == Agent.wadah_id).where(visible)

    def sees_agent(self, agent) -> bool:
        return self.sees(branch_id=agent.wadah.branch_id, agent_ids=(agent.id,))

    def agent(self, session: Session, agent_id: int) -> Agent:
        """The agent, or NotFound whether it is missing or outside the scope."""
        agent = session.get(Agent, agent_id)
        return or_404(agent, agent is not None and self.sees_agent(agent))

    def agent_by_code(self, session: Session, agent_code: str) -> Agent:
        """The agent with this code, or NotFound whether it is missing or outside the scope."""
        agent = session.scalar(select(Agent).where(Agent.agent_code == agent_code))
        return or_404(agent, agent is not None and self.sees_agent(agent))

    def branches(self, column=Branch.id) -> ColumnElement[bool]:
        """`column` (a branch id) is a branch the caller works in (or chose); an admin's is
        every one, with no condition, so a national report reads no list of branches."""
        if self.every_branch:
            return true()
        branch_id = self.one_branch_id
        return column == branch_id if branch_id is not None else false()

    def branch_ids(self, session: Session) -> list[int]:
        """The ids of `branches()`, in order: for what must name each branch (a month close,
        the rollups to bring up to date), never as a report's filter. Only every branch is a
        query; one branch is its id as given."""
        if self.every_branch:
            return list(session.scalars(select(Branch.id).order_by(Branch.id)))
        branch_id = self.one_branch_id
        return [branch_id] if branch_id is not None else []

    def sees_wadah(self, wadah) -> bool:
        return self.sees(branch_id=wadah.branch_id)

    def wadah(self, session: Session, wadah_id: int) -> Wadah:
        """The Wadah, or NotFound whether it is missing or outside the scope."""
        wadah = session.get(Wadah, wadah_id)
        return or_404(wadah, wadah is not None and self.sees_wadah(wadah))


def current_scope() -> Scope:
    return Scope.of(current_user)


def roles_required(*roles: str):
    """Logged in and one of `roles` (401 when not logged in, 403 for another role)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                raise Unauthenticated()
            if roles and current_user.role not in roles:
                raise NotAllowed("auth.role")
            return view(*args, **kwargs)

        return wrapper

    return decorator


login_required = roles_required()


def or_404(record: T | None, visible: bool = True) -> T:
    """The record when the caller may see it; otherwise the same 404 as a missing id."""
    if record is None or not visible:
        raise NotFound()
    return record


def check_csrf() -> None:
    """Every cookie-authenticated write carries X-CSRF-Token (before_request hook)."""
    if request.method in SAFE_METHODS or not current_user.is_authenticated:
        return
    expected = session.get("csrf_token")
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    if not expected or not hmac.compare_digest(str(expected), str(sent)):
        raise NotAllowed("auth.csrf")


def form_token_valid() -> bool:
    """A form post (also before login: login CSRF) carries the token of the session that
    rendered the form, and no browser says it came from another site."""
    expected = session.get("csrf_token")
    sent = request.form.get("csrf_token", "")
    if not expected or not hmac.compare_digest(str(expected), str(sent)):
        return False
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    # The host only: behind a TLS-terminating proxy the scheme seen here may differ.
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def check_agent_active() -> None:
    """An agent whose status is not `active` writes nothing (API.md: 403 on every write); it
    still reads its portfolio and can log out (before_request hook, after the CSRF check)."""
    if request.method in SAFE_METHODS or not current_user.is_authenticated:
        return
    if current_user.role != "agent" or request.endpoint in ALWAYS_ALLOWED_ENDPOINTS:
        return
    status = current_user.agent.status if current_user.agent else "terminated"
    if status != "active":
        token = "auth.agent_suspended" if status == "suspended" else "auth.agent_terminated"
        # `agent_status` lets the PWA tell this 403 from a stale CSRF token and keep its outbox.
        raise NotAllowed(token, extra={"agent_status": status})

"""Who may read which participant: the scope checks, the list where-clause, load-or-404."""

from __future__ import annotations

import uuid

from flask import abort
from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.orm import Session

from perisai.auth.permissions import Scope
from perisai.workers.models import Worker


def can_read(scope: Scope, worker: Worker) -> bool:
    if scope.is_admin:
        return True
    if scope.role == "agent":
        return scope.agent_id is not None and scope.agent_id in (
            worker.registered_by_id,
            worker.managed_by_id,
        )
    return worker.branch_id == scope.branch_id


def can_see_full_nik(scope: Scope, worker: Worker) -> bool:
    if scope.role == "agent":
        return scope.agent_id is not None and worker.registered_by_id == scope.agent_id
    return can_read(scope, worker)


def visible_workers(scope: Scope) -> ColumnElement[bool]:
    """The where-clause of every participant list: the caller's scope."""
    if scope.is_admin:
        return true()
    if scope.role == "agent":
        if scope.agent_id is None:
            return false()
        return or_(
            Worker.managed_by_id == scope.agent_id, Worker.registered_by_id == scope.agent_id
        )
    return Worker.branch_id == scope.branch_id


def get_visible_worker(session: Session, scope: Scope, worker_id) -> Worker:
    """The participant, or the same 404 whether it is missing or outside the caller's scope."""
    try:
        key = uuid.UUID(str(worker_id))
    except ValueError:
        abort(404)
    worker = session.get(Worker, key)
    if worker is None or not can_read(scope, worker):
        abort(404)
    return worker

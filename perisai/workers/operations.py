"""Registering a participant: check and build (build_registration), then persist
(register_worker), idempotent on the client id, one participant per NIK."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai import clock, zones
from perisai.agents.models import Agent, Branch
from perisai.auth.permissions import Scope
from perisai.errors import Conflict, NotAllowed, field_error
from perisai.workers.consent import consents_at_registration
from perisai.workers.duplicates import DuplicatePool, likely_duplicates
from perisai.workers.membership import new_membership_number
from perisai.workers.models import Worker
from perisai.workers.validation import validated_values


@dataclass
class Registration:
    worker: Worker
    created: bool
    warnings: list[dict] = field(default_factory=list)


# Fields added to the registration body later count in its fingerprint only when sent, so that
# a registration resent by a phone that predates them is still recognised as the same one.
_COUNTED_WHEN_SENT = ("registered_on", "capture_seconds", "language")


def request_hash(data: dict) -> str:
    """A stable fingerprint of a registration body (the client id excluded)."""
    body = {
        k: v for k, v in data.items() if k != "id" and not (k in _COUNTED_WHEN_SENT and v is None)
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


LOOK_UP = object()  # build_registration's default: look the client id up in the database


def build_registration(
    session: Session,
    *,
    scope: Scope,
    agent: Agent | None,
    data: dict,
    today: date | None = None,
    existing=LOOK_UP,
    duplicates: DuplicatePool | None = None,
    agents: dict[str, Agent] | None = None,
) -> Registration:
    """Check one registration and build its participant, adding nothing to the session.

    A client id stored already with the same body is a replay (`created=False`, the stored
    participant); otherwise the new participant comes back complete (relationships, timestamps,
    version) for the caller to persist: `register_worker` alone, or a batch writer with others.
    `existing`: the participant stored under the client id, when the caller looked it up with
    others beforehand (None: there is none). `duplicates`: the likely duplicates and taken NIKs
    of a whole batch, read at once (see DuplicatePool). `agents`: the agents a supervisor or an
    admin may name by code, read for a whole batch at once (see `agents_by_code`).
    """
    fingerprint = request_hash(data)
    if data.get("id") is not None:
        found = session.get(Worker, data["id"]) if existing is LOOK_UP else existing
        if found is not None:
            return _replay(found, fingerprint, scope)
    agent = _managing_agent(session, scope, agent, data.get("agent_code"), agents)
    branch_id = agent.wadah.branch_id if agent else scope.branch_id
    today = today or zones.today_of_branch(session, branch_id)  # the new participant's branch
    values, warnings = validated_values(session, data, today)
    warnings += likely_duplicates(session, values, scope, duplicates)
    if duplicates is not None and values["nik"] in duplicates.niks_taken:
        _raise_if_nik_taken(session, values["nik"], scope)
    # Otherwise no "is this NIK taken?" query: the unique constraint answers it, race-free, and
    # the common case (a new NIK) saves a query. (A batch reads its taken NIKs at once, as a
    # clash costs it more.)
    now = clock.now()
    worker = Worker(
        id=data.get("id") or uuid.uuid4(),
        membership_number=new_membership_number(),
        registered_by_id=agent.id if agent else None,
        managed_by_id=agent.id if agent else None,
        registered_by=agent,  # the ids for scope checks, the objects for the answer,
        managed_by=agent,  # both before the participant is flushed
        branch_id=branch_id,
        request_hash=fingerprint,
        version=1,  # set before the flush: a batch answers with the participant unflushed
        consent_given_at=now,
        created_at=now,
        updated_at=now,
        language=data.get("language") or "id",
        consents=consents_at_registration(data["consent"], now, scope.user_id),
        **values,
    )
    return Registration(worker=worker, created=True, warnings=warnings)


def register_worker(
    session: Session,
    *,
    scope: Scope,
    agent: Agent | None,
    data: dict,
    today: date | None = None,
) -> Registration:
    """Register one participant; idempotent on the client id; one participant per NIK.

    Every check comes before the participant is added, so a refusal leaves the session as it
    was. The insert runs in a savepoint: a clash on the random membership number (1 in 10^9) is
    retried with another number; one on the id or NIK (committed meanwhile by another request)
    is answered as a replay or as the NIK's 409.
    """
    registration = build_registration(session, scope=scope, agent=agent, data=data, today=today)
    if not registration.created:
        return registration
    worker = registration.worker
    for _ in range(5):
        try:
            with session.begin_nested():
                session.add(worker)
        except IntegrityError as error:
            if "membership_number" in str(error.orig):
                worker.membership_number = new_membership_number()
                continue
            # The same id or NIK exists: committed earlier, or by another request meanwhile.
            return _after_race(session, data, worker.nik, worker.request_hash, scope)
        return registration
    raise RuntimeError("no free membership number after 5 tries")


def _replay(existing: Worker, fingerprint: str, scope: Scope) -> Registration:
    if existing.request_hash != fingerprint or not scope.sees_worker(existing):
        raise Conflict("workers.id_conflict", {"json": {"id": ["workers.id_conflict"]}})
    return Registration(worker=existing, created=False)


def _after_race(session, data, nik, fingerprint, scope) -> Registration:
    if data.get("id") is not None and (existing := session.get(Worker, data["id"])) is not None:
        return _replay(existing, fingerprint, scope)
    _raise_if_nik_taken(session, nik, scope)
    raise Conflict("workers.id_conflict", {"json": {"id": ["workers.id_conflict"]}})


def _raise_if_nik_taken(session: Session, nik: str, scope: Scope) -> None:
    """A NIK registered already: 409. The caller who may see that participant gets its id and
    membership number (the phone offers to open it); anyone else learns only that another agent
    holds it and which branch office to ask (the caller's own), never whose participant it is."""
    existing = session.scalar(select(Worker).where(Worker.nik == nik))
    if existing is None:
        return
    errors = {"json": {"nik": ["workers.nik_taken"]}}
    if scope.sees_worker(existing):
        extra = {
            "existing_visible": True,
            "membership_number": existing.membership_number,
            "worker_id": str(existing.id),
        }
        raise Conflict("workers.nik_taken", errors, extra=extra)
    branch = session.get(Branch, scope.branch_id) if scope.branch_id is not None else None
    if branch is None:
        raise Conflict("workers.nik_taken_elsewhere", errors, extra={"existing_visible": False})
    name = branch.name.replace("|", "/")
    extra = {"existing_visible": False, "ask_branch": branch.name}
    raise Conflict(f"workers.nik_taken_elsewhere_ask|{name}", errors, extra=extra)


def _managing_agent(session, scope: Scope, agent: Agent | None, agent_code: str | None, agents):
    if scope.role == "agent":
        if agent is None or agent.status != "active":
            raise NotAllowed("workers.agent_inactive")
        return agent
    if agent_code is None:
        if scope.is_admin:
            raise field_error("agent_code", "workers.agent_code_needed")
        return None  # a supervisor registering at the branch office
    if agents is not None:
        chosen = agents.get(agent_code)
    else:
        chosen = agents_by_code(session, scope, [agent_code]).get(agent_code)
    if chosen is None:
        raise field_error("agent_code", "workers.agent_unknown")
    if chosen.status != "active":
        raise NotAllowed("workers.agent_inactive")
    return chosen


def agents_by_code(session: Session, scope: Scope, codes) -> dict[str, Agent]:
    """The agents of these codes a supervisor (in the branch) or an admin may register for."""
    codes = {code for code in codes if code}
    if not codes:
        return {}
    stmt = scope.agents().where(Agent.agent_code.in_(codes))
    return {chosen.agent_code: chosen for chosen in session.scalars(stmt)}

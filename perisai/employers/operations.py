"""Registering an employer (API.md "Employers"): idempotent on the client id, one employer per
NIB and per NPWP (409 otherwise), a warning when a business of a very similar name is
registered in the same village already."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai import clock, zones
from perisai.agents.models import Agent
from perisai.audit.operations import Actor, record_many
from perisai.auth.permissions import Scope
from perisai.bounds import MAX_BACKDATE_DAYS
from perisai.employers.access import sees_employer
from perisai.employers.duplicates import likely_duplicates, raise_if_identifiers_taken
from perisai.employers.identifiers import (
    new_registration_number,
    nib_problem,
    normalise_business_phone,
    normalise_npwp,
    npwp_problem,
)
from perisai.employers.models import Employer
from perisai.employers.names import name_key
from perisai.errors import Conflict, NotAllowed, ValidationFailed, field_error
from perisai.workers.operations import agents_by_code
from perisai.workers.validation import village_problem


@dataclass
class EmployerRegistration:
    employer: Employer
    created: bool
    warnings: list[dict] = field(default_factory=list)


def request_hash(data: dict) -> str:
    """A stable fingerprint of a body (the client id excluded)."""
    body = {k: v for k, v in data.items() if k != "id"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def register_employer(
    session: Session, *, scope: Scope, agent: Agent | None, data: dict, today: date | None = None
) -> EmployerRegistration:
    """Register one business; the same client id with the same body is the same employer.

    Every check comes before the employer is added, so a refusal leaves the session as it
    was; the insert runs in a savepoint, so a NIB, NPWP or id committed meanwhile by another
    request is answered as here (409, or the replay), and a drawn registration number that
    exists already is drawn again."""
    fingerprint = request_hash(data)
    if data.get("id") is not None and (found := session.get(Employer, data["id"])) is not None:
        return _replay(found, fingerprint, scope)
    manager = _managing_agent(session, scope, agent, data.get("agent_code"))
    branch_id = manager.wadah.branch_id if manager else scope.one_branch_id
    if branch_id is None:
        raise field_error("agent_code", "employers.agent_code_needed")
    today = today or zones.today_of_branch(session, branch_id)
    values = _checked_values(session, data, today)
    raise_if_identifiers_taken(session, scope, values["nib"], values["npwp"])
    warnings = likely_duplicates(session, scope, values["name_key"], values["village_code"])
    employer = Employer(
        id=data.get("id") or uuid.uuid4(),
        registration_number=new_registration_number(),
        registered_by_id=manager.id if manager else None,
        managed_by_id=manager.id if manager else None,
        registered_by=manager,
        managed_by=manager,
        registered_by_user_id=scope.user_id,
        branch_id=branch_id,
        request_hash=fingerprint,
        **values,
    )
    for _ in range(5):
        try:
            with session.begin_nested():
                session.add(employer)
        except IntegrityError as error:
            if "registration_number" in str(error.orig):
                employer.registration_number = new_registration_number()
                continue
            return _after_race(session, scope, data, values, fingerprint)
        record_many(session, Actor.current(), [("create", "employer", employer.id)])
        return EmployerRegistration(employer, True, warnings)
    raise RuntimeError("no free registration number after 5 tries")


def _checked_values(session: Session, data: dict, today: date) -> dict:
    """Every field rule at once, so the agent sees all problems in one answer."""
    errors: dict[str, list[str]] = {}
    phone = normalise_business_phone(data["phone"])
    if phone is None:
        errors["phone"] = ["employers.phone_invalid"]
    if token := village_problem(session, data["village_code"]):
        errors["village_code"] = [token]
    nib = data.get("nib") or None
    if nib is not None and (token := nib_problem(nib)):
        errors["nib"] = [token]
    npwp = normalise_npwp(data["npwp"]) if data.get("npwp") else None
    if npwp is not None and (token := npwp_problem(npwp)):
        errors["npwp"] = [token]
    registered_on = data.get("registered_on") or today
    if registered_on > clock.latest_today():
        errors["registered_on"] = ["employers.registered_on_future"]
    elif (today - registered_on).days > MAX_BACKDATE_DAYS:
        errors["registered_on"] = [f"employers.registered_on_old|{MAX_BACKDATE_DAYS}"]
    if errors:
        raise ValidationFailed("http.422", {"json": errors})
    name = " ".join(data["name"].split())
    return {
        "name": name,
        "name_key": name_key(name),
        "size": data["size"],
        "risk_group": data["risk_group"],
        "nib": nib,
        "npwp": npwp,
        "village_code": data["village_code"],
        "regency_code": data["village_code"][:5],
        "address": (data.get("address") or "").strip() or None,
        "phone": phone,
        "contact_name": " ".join(data["contact_name"].split()),
        "registered_on": registered_on,
    }


def _replay(existing: Employer, fingerprint: str, scope: Scope) -> EmployerRegistration:
    if existing.request_hash != fingerprint or not sees_employer(scope, existing):
        raise Conflict("employers.id_conflict", {"json": {"id": ["employers.id_conflict"]}})
    return EmployerRegistration(existing, False)


def _after_race(session, scope, data, values, fingerprint) -> EmployerRegistration:
    if data.get("id") is not None and (found := session.get(Employer, data["id"])) is not None:
        return _replay(found, fingerprint, scope)
    raise_if_identifiers_taken(session, scope, values["nib"], values["npwp"])
    raise Conflict("employers.id_conflict", {"json": {"id": ["employers.id_conflict"]}})


def _managing_agent(session, scope: Scope, agent: Agent | None, agent_code: str | None):
    """An agent registers for itself; a supervisor for the branch office or an agent it names;
    an admin names the agent (and so the branch)."""
    if scope.role == "agent":
        if agent is None or agent.status != "active":
            raise NotAllowed("employers.agent_inactive")
        return agent
    if agent_code is None:
        if scope.is_admin:
            raise field_error("agent_code", "employers.agent_code_needed")
        return None
    chosen = agents_by_code(session, scope, [agent_code]).get(agent_code)
    if chosen is None:
        raise field_error("agent_code", "workers.agent_unknown")
    if chosen.status != "active":
        raise NotAllowed("employers.agent_inactive")
    return chosen

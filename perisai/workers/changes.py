"""Participants over time (DOMAIN.md §10): edits, a death, a new managing agent.

Every change raises the participant's `version` by one and writes a WorkerChange row (what
changed as field → [old, new], by whom, and from which contribution month it takes effect),
plus an audit event. Every check comes before anything is changed, so a refusal leaves the
session as it was (a sync batch stages several operations in one session).

Income level and programs take effect from the next unpaid month (`effective_month`):
months before it (arrears) keep the old price. `profiles_for_months` replays the changes to
tell which level and programs price each month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai import clock, zones
from perisai.agents.models import Agent, Wadah
from perisai.audit.operations import Actor, record_many
from perisai.auth.permissions import Scope
from perisai.contributions.rules import is_income_level
from perisai.errors import Conflict, NotAllowed, ValidationFailed, field_error
from perisai.months import Month
from perisai.workers import consent
from perisai.workers.models import GRACE_MONTHS, Worker, WorkerChange, programs_of
from perisai.workers.schemas import WorkerSchema
from perisai.workers.serialization import Participant
from perisai.workers.validation import (
    normalise_phone,
    programs_problem,
    village_problem,
)

PRICED_FIELDS = ("income_level", "programs")  # these wait for the next unpaid month


def can_manage(scope: Scope, worker: Worker) -> bool:
    """The managing agent, a supervisor of the participant's branch, an admin."""
    return scope.sees(branch_id=worker.branch_id, agent_ids=(worker.managed_by_id,))


def _require_manager(scope: Scope, worker: Worker) -> None:
    if not can_manage(scope, worker):
        raise NotAllowed("workers.not_managing")


def effective_month(worker: Worker, today: date) -> Month:
    """The next unpaid month: after the last covered month when still covered or in grace
    (never before this month: arrears keep their old price), else this month."""
    this = Month.of(today)
    covered = worker.covered_until
    if covered is None or this - covered > GRACE_MONTHS:
        return this
    return max(covered + 1, this)


def current_body(worker: Worker, scope: Scope, today: date) -> dict:
    """The participant as JSON (dates as text), for a stale edit's answer."""
    return WorkerSchema().dump(Participant(worker, scope, today))


def stale_version(worker: Worker, scope: Scope, today: date) -> Conflict:
    """409: the edit was made on an older version; the current participant travels along (in
    errors.json.version.details, and as `current` beside the errors / in a sync result's
    details) so the phone can show what changed and let the agent redo the edit on it."""
    token = f"workers.version_stale|{worker.version}"
    body = current_body(worker, scope, today)
    return Conflict(
        token,
        {"json": {"version": {"messages": [token], "details": body}}},
        extra={"current": body},
    )


def _refuse_if_deceased(worker: Worker) -> None:
    if worker.died_on is not None:
        raise Conflict(f"workers.deceased|{worker.died_on.isoformat()}")


def _audit(session: Session, workers: list[Worker], action: str, changed_by, via: str) -> None:
    """One event per participant changed, by `changed_by` through `via`, in one INSERT."""
    events = [(action, "participant", worker.id) for worker in workers]
    record_many(session, Actor.of(changed_by, via), events)


def _record_change(
    session: Session, worker: Worker, kind: str, changes: dict, month: Month | None, changed_by
) -> WorkerChange:
    worker.version += 1
    worker.updated_at = clock.now()  # the caseload cursor follows it
    change = WorkerChange(
        worker_id=worker.id,
        version=worker.version,
        kind=kind,
        changes=changes,
        effective_month=month,
        changed_by_id=getattr(changed_by, "id", None),
        changed_at=clock.now(),
    )
    session.add(change)
    return change


# --- edits -----------------------------------------------------------------------------------


def _new_values(session: Session, worker: Worker, data: dict, month: Month) -> dict:
    """The model columns the edit sets, checked as at registration (every problem at once)."""
    errors: dict = {}
    values: dict = {}
    if "phone" in data:
        values["phone"] = normalise_phone(data["phone"])
        if values["phone"] is None:
            errors["phone"] = ["workers.phone_invalid"]
    if "address" in data:
        values["address"] = data["address"].strip()
    if "village_code" in data:
        if token := village_problem(session, data["village_code"]):
            errors["village_code"] = [token]
        values["village_code"] = data["village_code"]
    if "beneficiary" in data:
        beneficiary = data["beneficiary"]
        phone = None
        if beneficiary.get("phone"):
            phone = normalise_phone(beneficiary["phone"])
            if phone is None:
                errors["beneficiary"] = {"phone": ["workers.phone_invalid"]}
        values["beneficiary_name"] = beneficiary["full_name"].strip()
        values["beneficiary_relationship"] = beneficiary["relationship"].strip()
        values["beneficiary_phone"] = phone
    if "income_level" in data:
        # The level must exist in the rate table of the month it takes effect.
        if not is_income_level(session, data["income_level"], month):
            errors["income_level"] = ["workers.income_level_unknown"]
        values["income_level"] = data["income_level"]
    if "programs" in data:
        if token := programs_problem(data["programs"]):
            errors["programs"] = [token]
        values["has_jht"] = "JHT" in data["programs"]
    if "funding" in data:
        values["funding"] = data["funding"]
    if "language" in data:
        values["language"] = data["language"]
    if errors:
        raise ValidationFailed("http.422", {"json": errors})
    return values


def _beneficiary(name, relationship, phone) -> dict:
    return {"full_name": name, "relationship": relationship, "phone": phone}


def _differences(worker: Worker, values: dict) -> dict:
    """field (as in the API) → [old, new], for what the edit really changes."""
    changes: dict = {}
    for column in ("phone", "address", "village_code", "income_level", "funding", "language"):
        if column in values and values[column] != getattr(worker, column):
            changes[column] = [getattr(worker, column), values[column]]
    if "has_jht" in values and values["has_jht"] != worker.has_jht:
        changes["programs"] = [programs_of(worker.has_jht), programs_of(values["has_jht"])]
    if "beneficiary_name" in values:
        old = _beneficiary(
            worker.beneficiary_name, worker.beneficiary_relationship, worker.beneficiary_phone
        )
        new = _beneficiary(
            values["beneficiary_name"],
            values["beneficiary_relationship"],
            values["beneficiary_phone"],
        )
        if old != new:
            changes["beneficiary"] = [old, new]
    return changes


@dataclass
class Edit:
    worker: Worker
    changed: bool
    change: WorkerChange | None = None


def update_worker(
    session: Session,
    *,
    scope: Scope,
    worker: Worker,
    data: dict,
    changed_by=None,
    today: date | None = None,
    via: str = "PATCH /api/v1/workers/<worker_id>",
) -> Edit:
    """Change what a participant may change (WorkerUpdateSchema's fields), on the version the
    caller read. Nothing to change → unchanged, same version."""
    _require_manager(scope, worker)
    today = today or zones.today_of_worker(session, worker)
    _refuse_if_deceased(worker)
    if data["version"] != worker.version:
        raise stale_version(worker, scope, today)
    month = effective_month(worker, today)
    values = _new_values(session, worker, data, month)
    changes = _differences(worker, values)
    if "consent" in data and (channels := consent.channel_difference(worker, data["consent"])):
        _refuse_consent_after_withdrawal(worker, channels)
        changes["consent_channels"] = channels
    if not changes:
        return Edit(worker=worker, changed=False)
    for column, value in values.items():
        setattr(worker, column, value)
    if "consent_channels" in changes:
        consent.set_message_channels(
            worker, data["consent"], clock.now(), getattr(changed_by, "id", None)
        )
    priced = any(name in changes for name in PRICED_FIELDS)
    change = _record_change(
        session, worker, "update", changes, month if priced else None, changed_by
    )
    _audit(session, [worker], "update", changed_by, via)
    return Edit(worker=worker, changed=True, change=change)


# --- consent to messages, per channel --------------------------------------------------------


def _refuse_consent_after_withdrawal(worker: Worker, channels: list[list[str]]) -> None:
    """A channel cannot be given once consent as a whole was withdrawn (nothing may be sent);
    withdrawing one still can."""
    if worker.consent_withdrawn_at is not None and set(channels[1]) - set(channels[0]):
        message = "workers.consent_withdrawn"
        raise Conflict(message, {"json": {"channels": [message]}})


def change_message_consent(
    session: Session,
    *,
    scope: Scope,
    worker: Worker,
    data: dict,
    changed_by=None,
    via: str = "POST /api/v1/workers/<worker_id>/consent",
) -> Edit:
    """The channels the participant agrees to messages by, from now on (consent.py). Needs no
    version: the participant's latest word is never stale, and a withdrawal must not wait for
    the phone to refresh. Withdrawing is allowed after a death; giving is not."""
    _require_manager(scope, worker)
    channels = consent.channel_difference(worker, data)
    if channels is None:
        return Edit(worker=worker, changed=False)
    if set(channels[1]) - set(channels[0]):
        _refuse_if_deceased(worker)
    _refuse_consent_after_withdrawal(worker, channels)
    consent.set_message_channels(worker, data, clock.now(), getattr(changed_by, "id", None))
    change = _record_change(
        session, worker, "update", {"consent_channels": channels}, None, changed_by
    )
    _audit(session, [worker], "consent", changed_by, via)
    return Edit(worker=worker, changed=True, change=change)


# --- death -----------------------------------------------------------------------------------


def record_death(
    session: Session,
    *,
    scope: Scope,
    worker: Worker,
    died_on: date,
    changed_by=None,
    today: date | None = None,
    via: str = "POST /api/v1/workers/<worker_id>/death",
) -> Edit:
    """End the participant with the date of death. Recording the same date again changes
    nothing (idempotent, 200); another date → 409 (a correction is a supervisor's matter)."""
    _require_manager(scope, worker)
    if worker.died_on is not None:
        if worker.died_on == died_on:
            return Edit(worker=worker, changed=False)
        token = f"workers.died_on_other|{worker.died_on.isoformat()}"
        raise Conflict(token, {"json": {"died_on": [token]}})
    today = today or zones.today_of_worker(session, worker)  # the participant's branch
    if died_on > today:
        raise field_error("died_on", "workers.died_on_future")
    if died_on < worker.birth_date:
        raise field_error(
            "died_on", f"workers.died_on_before_birth|{worker.birth_date.isoformat()}"
        )
    changes = {
        "died_on": [None, died_on.isoformat()],
        "end_reason": [worker.end_reason, "died"],
    }
    worker.died_on = died_on
    worker.end_reason = "died"
    change = _record_change(session, worker, "death", changes, Month.of(died_on) + 1, changed_by)
    _audit(session, [worker], "death", changed_by, via)
    return Edit(worker=worker, changed=True, change=change)


# --- reassignment ----------------------------------------------------------------------------


def reassign_portfolio(
    session: Session,
    *,
    scope: Scope,
    from_agent: Agent,
    to_agent_code: str,
    worker_ids: list | None,
    changed_by=None,
    today: date | None = None,
    via: str = "POST /api/v1/agents/<agent_code>/reassign",
) -> int:
    """Move participants (all of `from_agent`'s, or those named) to another active agent of
    the same branch. From now on payments are recorded for the new agent (Payment.agent_id),
    so collection fees follow; the acquisition fee and the 60-month count stay as they were
    (they follow the first paid month). Returns how many moved."""
    branch_id = from_agent.wadah.branch_id
    target = session.scalar(select(Agent).join(Wadah).where(Agent.agent_code == to_agent_code))
    if target is None or target.wadah.branch_id != branch_id:
        raise field_error("to_agent_code", "agents.reassign_target_unknown")
    if target.id == from_agent.id:
        raise field_error("to_agent_code", "agents.reassign_same")
    if target.status != "active":
        token = f"agents.reassign_target_inactive|{target.agent_code}"
        raise Conflict(token, {"json": {"to_agent_code": [token]}})
    stmt = select(Worker).where(Worker.managed_by_id == from_agent.id)
    if worker_ids is not None:
        wanted = set(worker_ids)
        stmt = stmt.where(Worker.id.in_(wanted))
    workers = session.scalars(stmt.order_by(Worker.id)).all()
    if worker_ids is not None and len(workers) != len(wanted):
        found = {w.id for w in workers}
        missing = sorted(str(w) for w in wanted - found)
        token = f"agents.reassign_not_managed|{from_agent.agent_code}|{', '.join(missing[:5])}"
        raise field_error("worker_ids", token)
    today = today or zones.today_of_branch(session, branch_id)
    month = Month.of(today)
    for worker in workers:
        worker.managed_by_id = target.id
        worker.managed_by = target
        _record_change(
            session,
            worker,
            "reassign",
            {"managed_by": [from_agent.agent_code, target.agent_code]},
            month,
            changed_by,
        )
    _audit(session, workers, "reassign", changed_by, via)
    return len(workers)

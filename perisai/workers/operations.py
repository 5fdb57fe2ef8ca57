"""Registering participants and reading them within the caller's scope."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import abort
from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

import perisai.workers.messages  # noqa: F401 - registers the messages
from perisai import clock
from perisai.agents import zones
from perisai.agents.models import Agent, Branch, Wadah
from perisai.auth.permissions import Scope
from perisai.bounds import MAX_BACKDATE_DAYS
from perisai.errors import Conflict, NotAllowed, ValidationFailed, field_error
from perisai.months import Month
from perisai.regions.models import Region
from perisai.regions.provinces import province_code_known
from perisai.workers.membership import is_valid_membership_number, new_membership_number
from perisai.workers.models import BASE_PROGRAMS, Occupation, Worker, mask_nik, status_for
from perisai.workers.nik import check_nik

_VILLAGE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_PHONE_RE = re.compile(r"^(?:\+?62|0)(8\d{8,12})$")


@dataclass
class Registration:
    worker: Worker
    created: bool
    warnings: list[dict] = field(default_factory=list)


def normalise_phone(phone: str) -> str | None:
    """'0812-3456 789' / '62812…' / '+62812…' → '+62812…'; None when it is not a mobile number."""
    match = _PHONE_RE.match(re.sub(r"[\s\-().]", "", phone))
    return "+62" + match.group(1) if match else None


# Fields added to the registration body later count in its fingerprint only when sent, so that
# a registration resent by a phone that predates them is still recognised as the same one.
_COUNTED_WHEN_SENT = ("registered_on",)


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
    values, warnings = _validated_values(session, data, today)
    warnings += _likely_duplicates(session, values, scope, duplicates)
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
    if existing.request_hash != fingerprint or not can_read(scope, existing):
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
    if can_read(scope, existing):
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
    stmt = (
        select(Agent)
        .join(Wadah)
        .where(
            Agent.agent_code.in_(codes),
            true() if scope.is_admin else Wadah.branch_id == scope.branch_id,
        )
    )
    return {chosen.agent_code: chosen for chosen in session.scalars(stmt)}


def _validated_values(session: Session, data: dict, today: date) -> tuple[dict, list[dict]]:
    """Every field rule at once, so the agent sees all problems in one answer."""
    errors: dict[str, list] = {}
    warnings: list[dict] = []
    nik = data["nik"].strip()
    if data["birth_date"] > today:
        errors["birth_date"] = ["workers.birth_future"]
    registered_on = data.get("registered_on") or today
    if registered_on > clock.latest_today():  # the phone may be in a zone later than the branch
        errors["registered_on"] = ["workers.registered_on_future"]
    elif (today - registered_on).days > MAX_BACKDATE_DAYS:
        errors["registered_on"] = [f"workers.registered_on_old|{MAX_BACKDATE_DAYS}"]
    nik_check = check_nik(
        nik,
        today=today,
        birth_date=data["birth_date"],
        gender=data["gender"],
        province_known=province_code_known,
    )
    if nik_check.errors:
        errors["nik"] = nik_check.errors
    warnings += [{"code": "nik_province_unknown", "message": w} for w in nik_check.warnings]
    phone = normalise_phone(data["phone"])
    if phone is None:
        errors["phone"] = ["workers.phone_invalid"]
    beneficiary = data["beneficiary"]
    beneficiary_phone = None
    if beneficiary.get("phone"):
        beneficiary_phone = normalise_phone(beneficiary["phone"])
        if beneficiary_phone is None:
            errors["beneficiary"] = {"phone": ["workers.phone_invalid"]}
    occupation = _cached(session, Occupation, data["occupation"])
    if occupation is None or not occupation.is_active:
        errors["occupation"] = ["workers.occupation_unknown"]
    programs = sorted(set(data["programs"]))
    if token := programs_problem(data["programs"]):
        errors["programs"] = [token]
    if not income_level_allowed(session, data["income_level"], Month.of(today)):
        errors["income_level"] = ["workers.income_level_unknown"]
    village = data["village_code"]
    if token := village_problem(session, village):
        errors["village_code"] = [token]
    if errors:
        raise ValidationFailed("http.422", {"json": errors})
    location = data.get("location") or {}
    values = {
        "nik": nik,
        "full_name": " ".join(data["full_name"].split()),
        "birth_date": data["birth_date"],
        "gender": data["gender"],
        "phone": phone,
        "occupation": occupation.code,
        "sector": occupation.sector,
        "income_level": data["income_level"],
        "has_jht": "JHT" in programs,
        "funding": data["funding"],
        "village_code": village,
        "address": data["address"].strip(),
        "beneficiary_name": beneficiary["full_name"].strip(),
        "beneficiary_relationship": beneficiary["relationship"].strip(),
        "beneficiary_phone": beneficiary_phone,
        "consent_notice_version": data["consent"]["notice_version"],
        "registered_on": registered_on,
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "accuracy_m": location.get("accuracy_m"),
    }
    return values, warnings


def programs_problem(programs: list[str]) -> str | None:
    """JKK+JKM, or JKK+JKM+JHT, each once (registration and edits)."""
    chosen = sorted(set(programs))
    if len(chosen) != len(programs) or chosen not in (
        sorted(BASE_PROGRAMS),
        sorted([*BASE_PROGRAMS, "JHT"]),
    ):
        return "workers.programs"
    return None


def village_problem(session: Session, village: str) -> str | None:
    """A current Kemendagri village code, or the message saying what is wrong with it."""
    if not _VILLAGE_RE.match(village):
        return "workers.village_format"
    if not _current_village(session, village):
        return "workers.village_unknown"
    return None


def _current_village(session: Session, code: str) -> bool:
    region = _cached(session, Region, code)
    return region is not None and region.level == "village" and region.is_current


def _cached(session: Session, model, key):
    """Reference rows (occupations, villages) read once per session: a sync batch of 500
    registrations in one village reads the village once. The identity map alone would not do:
    it drops rows nobody holds on to."""
    cache = session.info.setdefault("perisai.reference_rows", {})
    if (model, key) not in cache:
        cache[(model, key)] = session.get(model, key)
    return cache[(model, key)]


def income_level_allowed(session: Session, level: int, month: Month) -> bool:
    from perisai.contributions.operations import is_income_level

    return is_income_level(session, level, month)


_DUPLICATE_COLUMNS = (
    Worker.full_name,
    Worker.phone,
    Worker.membership_number,
    Worker.registered_by_id,
    Worker.managed_by_id,
    Worker.branch_id,
    Worker.birth_date,
    Worker.village_code,
)
_MAX_CANDIDATES = 50


def _same_day_and_phone_or_village(birth_dates, phones, villages):
    return and_(
        Worker.birth_date.in_(birth_dates),
        or_(Worker.phone.in_(phones), Worker.village_code.in_(villages)),
    )


class DuplicatePool:
    """Every participant a batch of registrations could duplicate, read in one query: born on
    one of the batch's birth dates, with one of its phones or in one of its villages. Those the
    batch registers are added as it goes. (One registered elsewhere after the read is missed:
    a warning lost, never a duplicate NIK, which the unique key refuses.)

    Also which of the batch's NIKs are registered already, so that such a registration is
    refused before its insert clashes (a clash sends a whole sync batch the slow way)."""

    def __init__(self, session: Session, bodies: list[dict]):
        niks = {str(body.get("nik", "")).strip() for body in bodies}
        self.niks_taken = set(session.scalars(select(Worker.nik).where(Worker.nik.in_(niks))))
        births, phones, villages = set(), set(), set()
        for body in bodies:
            try:
                births.add(date.fromisoformat(str(body.get("birth_date"))))
            except ValueError:
                continue
            phones.add(normalise_phone(str(body.get("phone", ""))))
            villages.add(str(body.get("village_code", "")))
        phones.discard(None)
        # (birth date, phone) and (birth date, village) → [(order added, row)]: a registration's
        # candidates are two look-ups, not a pass over everyone born on its day
        self._by_phone: dict[tuple, list] = {}
        self._by_village: dict[tuple, list] = {}
        self._added = 0
        if births:
            where = _same_day_and_phone_or_village(births, phones, villages)
            for row in session.execute(select(*_DUPLICATE_COLUMNS).where(where)):
                self.add(row)

    def candidates(self, values: dict) -> list:
        day = values["birth_date"]
        found = dict(self._by_phone.get((day, values["phone"]), ()))
        found.update(self._by_village.get((day, values["village_code"]), ()))
        return [found[order] for order in sorted(found)[:_MAX_CANDIDATES]]

    def add(self, worker) -> None:
        self._added += 1
        entry = (self._added, worker)
        self._by_phone.setdefault((worker.birth_date, worker.phone), []).append(entry)
        self._by_village.setdefault((worker.birth_date, worker.village_code), []).append(entry)


def _likely_duplicates(
    session: Session, values: dict, scope: Scope, pool: DuplicatePool | None = None
) -> list[dict]:
    """Same phone + birth date, or a very similar name + birth date in the same village."""
    if pool is not None:
        candidates = pool.candidates(values)
    else:
        where = _same_day_and_phone_or_village(
            [values["birth_date"]], [values["phone"]], [values["village_code"]]
        )
        stmt = select(*_DUPLICATE_COLUMNS).where(where).limit(_MAX_CANDIDATES)
        candidates = session.execute(stmt).all()
    name = values["full_name"].casefold()
    warnings = []
    for other in candidates:
        similar = difflib.SequenceMatcher(None, name, other.full_name.casefold()).ratio() >= 0.85
        if other.phone == values["phone"] or similar:
            visible = can_read(scope, other)
            warnings.append(
                {
                    "code": "possible_duplicate",
                    "message": "workers.possible_duplicate",
                    "membership_number": other.membership_number if visible else None,
                }
            )
    return warnings


# --- reading -------------------------------------------------------------------------------


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


def status_clause(status: str, month: Month) -> ColumnElement[bool]:
    """SQL for status_for(): `covered_until` sorts as text, so month ranges are comparisons.
    A participant who died is ended (a date of death is never in the future)."""
    alive = Worker.died_on.is_(None)
    if status == "registered":
        return and_(alive, Worker.covered_until.is_(None))
    if status == "active":
        return and_(alive, Worker.covered_until >= month)
    if status == "grace":
        return and_(alive, Worker.covered_until < month, Worker.covered_until >= month - 3)
    return or_(Worker.died_on.is_not(None), Worker.covered_until < month - 3)


def list_query(
    scope: Scope, *, q: str | None, status: str | None, due_within_days: int | None, today: date
):
    month = Month.of(today)
    stmt = select(Worker).where(visible_workers(scope))
    if q:
        stmt = stmt.where(search_clause(q))
    if status:
        stmt = stmt.where(status_clause(status, month))
    if due_within_days is not None:
        stmt = stmt.where(due_within_clause(today, due_within_days))
    return stmt.order_by(Worker.full_name, Worker.id)


def due_within_clause(today: date, days: int) -> ColumnElement[bool]:
    """Active participants whose protection ends within `days` days. Coverage ends on the last
    day of covered_until, which is on or before today + days exactly when covered_until is
    before the month of (today + days + 1 day)."""
    due_before = Month.of(today + timedelta(days=days + 1))
    return and_(
        Worker.died_on.is_(None),  # no payment request goes to a participant who died
        Worker.covered_until >= Month.of(today),
        Worker.covered_until < due_before,
    )


def search_clause(q: str) -> ColumnElement[bool]:
    """Name (contains), membership number, phone, or an exact NIK."""
    q = q.strip()
    digits = re.sub(r"\D", "", q)
    if q.isdigit() and len(q) == 16:
        return Worker.nik == q
    if q.isdigit() and len(q) == 11:
        if not is_valid_membership_number(q):
            raise field_error("q", "workers.membership_number_invalid", location="query")
        return Worker.membership_number == q
    if (phone := normalise_phone(q)) is not None:
        return Worker.phone == phone
    if digits and len(digits) == len(q):
        return Worker.membership_number.startswith(digits)
    return Worker.full_name.ilike(f"%{_escape_like(q)}%", escape="\\")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


STORED = object()  # serialize_worker's default: the coverage stored on the participant


def serialize_worker(
    worker: Worker,
    scope: Scope,
    as_of: date,
    *,
    covered_until=STORED,
    for_list: bool = False,
) -> dict:
    """The participant JSON of API.md. `covered_until` (a Month, or None: nothing covered yet)
    is the coverage as it stood on `as_of`, when that is not today's stored coverage."""
    covered = worker.covered_until if covered_until is STORED else covered_until
    body = {
        "id": worker.id,
        "nik_masked": mask_nik(worker.nik),
        "membership_number": worker.membership_number,
        "full_name": worker.full_name,
        "phone": worker.phone,
        "occupation": worker.occupation,
        "village_code": worker.village_code,
        "programs": worker.programs,
        "status": status_for(covered, Month.of(as_of), worker.died_on),
        "covered_until": str(covered) if covered else None,
        "managed_by": worker.managed_by.agent_code if worker.managed_by else None,
        "version": worker.version,
        "end_reason": worker.end_reason,
        "died_on": worker.died_on,
    }
    if for_list:
        return body
    if can_see_full_nik(scope, worker):
        body["nik"] = worker.nik
    body.update(
        {
            "birth_date": worker.birth_date,
            "gender": worker.gender,
            "sector": worker.sector,
            "income_level": worker.income_level,
            "funding": worker.funding,
            "address": worker.address,
            "beneficiary": {
                "full_name": worker.beneficiary_name,
                "relationship": worker.beneficiary_relationship,
                "phone": worker.beneficiary_phone,
            },
            "consent": {
                "given": worker.consent_withdrawn_at is None,
                "notice_version": worker.consent_notice_version,
                "given_at": worker.consent_given_at.isoformat(),
            },
            "location": (
                {"lat": worker.lat, "lon": worker.lon, "accuracy_m": worker.accuracy_m}
                if worker.lat is not None
                else None
            ),
            "first_paid_month": str(worker.first_paid_month) if worker.first_paid_month else None,
            "registered_by": worker.registered_by.agent_code if worker.registered_by else None,
            "registered_on": worker.registered_on,
            "created_at": worker.created_at,
            "pricing": _pricing(worker),
        }
    )
    return body


def _pricing(worker: Worker) -> list[dict]:
    """Which level and programs price which months once an edit waits for the next unpaid
    month (changes.pricing_segments); a participant never edited costs no query."""
    session = object_session(worker)
    if worker.version == 1 or session is None:
        return []
    from perisai.workers.changes import pricing_segments  # changes builds on this module

    return pricing_segments(session, worker)

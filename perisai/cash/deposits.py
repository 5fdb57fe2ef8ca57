"""Deposits (DOMAIN.md §8): an agent records cash it paid in at a bank, a virtual account or a
counter, online or through the outbox, exactly once per client id; the slip's photo may follow.
A supervisor decides on a deposit no statement confirmed (perisai.cash.queue)."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai import clock, zones
from perisai.agents.models import Agent
from perisai.audit.operations import Actor, record_many
from perisai.cash.models import Deposit
from perisai.errors import Conflict, NotFound, ValidationFailed, field_error
from perisai.storage import Storage
from perisai.workers.photos import ACCEPTED_TYPES, MAX_BYTES, PhotoTooLarge, reencode_image

MAX_DEPOSIT_BACKDATE_DAYS = 31


def match_key(reference: str) -> str:
    """A reference as banks print it back: case, spaces, dashes and dots do not matter."""
    return re.sub(r"[\s\-./]", "", reference or "").upper()[:60]


def deposit_hash(data: dict) -> str:
    body = {k: data.get(k) for k in ("amount", "channel", "reference", "deposited_on")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def check_deposited_on(day: date, today: date, location: str = "json") -> None:
    if day > today:
        raise field_error("deposited_on", "cash.deposited_on_future", location=location)
    if (today - day).days > MAX_DEPOSIT_BACKDATE_DAYS:
        token = f"cash.deposited_on_old|{MAX_DEPOSIT_BACKDATE_DAYS}"
        raise field_error("deposited_on", token, location=location)


def build_deposit(session: Session, *, agent: Agent, data: dict, recorded_by=None):
    """Check one deposit and build it, changing nothing. Returns (deposit, created): a replay
    of the same id and content is the stored deposit; the same id with other content is 409."""
    fingerprint = deposit_hash(data)
    found = session.get(Deposit, data["id"])
    if found is not None:
        return _replay(found, fingerprint, agent), False
    branch_id = agent.wadah.branch_id
    check_deposited_on(data["deposited_on"], zones.today_of_branch(session, branch_id))
    key = match_key(data["reference"])
    if not key:
        raise field_error("reference", "cash.reference_empty")
    deposit = Deposit(
        id=data["id"],
        agent_id=agent.id,
        branch_id=branch_id,
        amount=data["amount"],
        channel=data["channel"],
        reference=data["reference"].strip(),
        match_key=key,
        deposited_on=data["deposited_on"],
        state="recorded",
        request_hash=fingerprint,
        recorded_by_id=getattr(recorded_by, "id", None),
        created_at=clock.now(),
    )
    return deposit, True


def record_deposit(session: Session, *, agent: Agent, data: dict, recorded_by=None):
    """Record a deposit (idempotent on its id); audited. Returns (deposit, created)."""
    deposit, created = build_deposit(session, agent=agent, data=data, recorded_by=recorded_by)
    if not created:
        return deposit, False
    try:
        with session.begin_nested():
            session.add(deposit)
    except IntegrityError:  # the same id committed meanwhile by a concurrent request
        again = session.get(Deposit, data["id"], populate_existing=True)
        if again is None:
            raise
        return _replay(again, deposit.request_hash, agent), False
    record_many(session, Actor.current(), [("create", "deposit", deposit.id)])
    return deposit, True


def _replay(found: Deposit, fingerprint: str, agent: Agent) -> Deposit:
    if found.agent_id != agent.id:
        raise NotFound()  # another agent's id: nothing to say about it
    if found.request_hash != fingerprint:
        raise Conflict("cash.deposit_id_conflict", {"json": {"id": ["cash.deposit_id_conflict"]}})
    return found


def photo_key(deposit_id) -> str:
    return f"deposits/{deposit_id}/slip.jpg"


def store_slip(
    session: Session, store: Storage, deposit: Deposit, content_type: str, body: bytes
) -> None:
    """Save (or replace) the photo of a deposit's slip, re-encoded without metadata."""
    if len(body) > MAX_BYTES:
        raise PhotoTooLarge(f"workers.photo_too_large|{MAX_BYTES // 1024 // 1024}")
    expected = ACCEPTED_TYPES.get(content_type.split(";")[0].strip().lower())
    if expected is None:
        raise ValidationFailed(
            "workers.photo_type", {"headers": {"Content-Type": ["workers.photo_type"]}}
        )
    store.put(photo_key(deposit.id), reencode_image(body, expected), content_type="image/jpeg")
    deposit.photo_key = photo_key(deposit.id)
    record_many(session, Actor.current(), [("update", "deposit", deposit.id)])


def deposit_or_404(session: Session, scope, deposit_id) -> Deposit:
    """A deposit the caller may see: its own (agent), its branch's (supervisor), any (admin)."""
    try:
        deposit = session.get(Deposit, uuid.UUID(str(deposit_id)))
    except ValueError:
        raise NotFound() from None
    visible = deposit is not None and scope.sees(
        branch_id=deposit.branch_id, agent_ids=(deposit.agent_id,)
    )
    if not visible:
        raise NotFound()
    return deposit

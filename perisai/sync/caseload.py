"""The agent's caseload for the phone: every participant it manages, then only what changed.

`GET /api/v1/sync/caseload[?since=<cursor>&limit=]` pages through the agent's participants in
(updated_at, id) order. `updated_at` moves whenever the row changes, coverage included (a
payment recorded or reversed on another device, an approval), so a phone that keeps the cursor
learns of them on its next refresh.

The cursor is opaque to the phone: base64url of the JSON `[updated_at, id]` of the last row
sent. Within one pass, the next page starts strictly after that row, so equal timestamps are
told apart by id and no page repeats or skips a row. The cursor handed back at the end of a
pass (`more` false) is moved back to at most OVERLAP before the server's now: a transaction
that stamped its rows a little earlier but committed after this read is then still caught
next time (the phone merges what it receives, so a participant sent twice is harmless).

Participants reassigned to another agent since the cursor come back in `removed` (their ids),
from the `reassign` rows of worker_changes, so the phone can drop them.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from perisai import clock
from perisai.agents.models import Agent
from perisai.auth.permissions import Scope
from perisai.contributions.models import Payment
from perisai.contributions.quotes import next_start_month
from perisai.errors import field_error
from perisai.months import Month
from perisai.workers.models import GRACE_MONTHS, Worker, WorkerChange, status_for
from perisai.workers.serialization import Participant

DEFAULT_LIMIT = 500
MAX_LIMIT = 1000
OVERLAP = timedelta(minutes=10)
RECENT_PAYMENTS = 5
_LOWEST_ID = uuid.UUID(int=0)


@dataclass(frozen=True)
class Cursor:
    updated_at: datetime
    id: uuid.UUID

    def encode(self) -> str:
        raw = json.dumps([self.updated_at.isoformat(), str(self.id)], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """The cursor of a string this module made; 422 on `since` for anything else."""
        try:
            padded = text + "=" * (-len(text) % 4)
            stamp, key = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
            moment = datetime.fromisoformat(stamp)
            if moment.tzinfo is None:
                raise ValueError("naive")
            return cls(moment, uuid.UUID(key))
        except (binascii.Error, ValueError, TypeError, UnicodeDecodeError, AttributeError):
            raise field_error("since", "sync.cursor_invalid", location="query") from None


@dataclass
class Page:
    participants: list[Participant]
    cursor: str
    more: bool
    removed: list[str] = field(default_factory=list)


def due(worker: Worker, today: date) -> dict:
    """What the participant owes as of today: the next month to pay (arrears first), how many
    months are in arrears, and the last day of protection."""
    month = Month.of(today)
    status = status_for(worker.covered_until, month, worker.died_on)  # a death owes nothing
    arrears = month - worker.covered_until if status == "grace" else 0
    return {
        "next_month": str(next_start_month(worker.covered_until, month)),
        "months_in_arrears": min(arrears, GRACE_MONTHS),
        "coverage_ends_on": (worker.covered_until.last_day() if worker.covered_until else None),
    }


def _recent_payments(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Payment]]:
    """Each participant's newest payments (RECENT_PAYMENTS of them), in one query."""
    if not ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=Payment.worker_id,
            order_by=(Payment.paid_on.desc(), Payment.created_at.desc()),
        )
        .label("rank")
    )
    ranked = select(Payment.id, rank).where(Payment.worker_id.in_(ids)).subquery()
    payments = session.scalars(
        select(Payment)
        .join(ranked, ranked.c.id == Payment.id)
        .where(ranked.c.rank <= RECENT_PAYMENTS)
        .options(selectinload(Payment.months), selectinload(Payment.reversal))
        .order_by(Payment.paid_on.desc(), Payment.created_at.desc())
    ).all()
    found: dict[uuid.UUID, list[Payment]] = {}
    for payment in payments:
        found.setdefault(payment.worker_id, []).append(payment)
    return found


def _removed(session: Session, agent: Agent, since: datetime) -> list[str]:
    """Participants this agent managed that were reassigned away since `since`."""
    rows = session.execute(
        select(WorkerChange.worker_id, WorkerChange.changes)
        .join(Worker, Worker.id == WorkerChange.worker_id)
        .where(
            WorkerChange.kind == "reassign",
            WorkerChange.changed_at >= since,
            or_(Worker.managed_by_id.is_(None), Worker.managed_by_id != agent.id),
        )
    ).all()
    mine = {agent.agent_code, agent.id, str(agent.id)}
    removed = []
    for worker_id, changes in rows:
        changes = changes or {}
        before = changes.get("managed_by") or changes.get("managed_by_id") or [None]
        if before[0] in mine:
            removed.append(str(worker_id))
    return sorted(set(removed))


def caseload(
    session: Session,
    scope: Scope,
    agent: Agent,
    *,
    today: date,
    since: str | None,
    limit: int = DEFAULT_LIMIT,
) -> Page:
    cursor = Cursor.decode(since) if since is not None else None
    stmt = (
        select(Worker)
        .where(Worker.managed_by_id == agent.id)
        .options(selectinload(Worker.managed_by), selectinload(Worker.registered_by))
        .order_by(Worker.updated_at, Worker.id)
        .limit(limit + 1)
    )
    if cursor is not None:
        stmt = stmt.where(
            or_(
                Worker.updated_at > cursor.updated_at,
                and_(Worker.updated_at == cursor.updated_at, Worker.id > cursor.id),
            )
        )
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    payments = _recent_payments(session, [w.id for w in rows])
    participants = [
        Participant(
            worker, scope, today, due=due(worker, today), payments=payments.get(worker.id, [])
        )
        for worker in rows
    ]
    if rows:
        last = Cursor(rows[-1].updated_at, rows[-1].id)
    else:
        last = cursor or Cursor(clock.now() - OVERLAP, _LOWEST_ID)
    if not more:
        settled = clock.now() - OVERLAP
        if last.updated_at > settled:
            last = Cursor(settled, _LOWEST_ID)
    removed = _removed(session, agent, cursor.updated_at) if cursor is not None else []
    return Page(participants, last.encode(), more, removed)

"""Recording audit events where the operation happens: who did what to which record.

- **Who** is an `Actor`: the logged-in user and the entry point (`via`: the route template, "sync",
  the CLI command, the import job), or no user at all for a CLI command or a public link.
- **What** is the action (read, list, export, create, update, print, …) and **which record**
  its type and id. Never the NIK, phone or name, nor a URL or query string (a NIK typed into a
  search box would be in it): an id that is not a plain id is left out.
- **When it is written.** A change's events are written in the change's own transaction, so they
  commit with it and a failed insert fails the change (`record_many`). A read
  is noted during the request (`note_read`) and written after the view by
  `perisai.audit.hooks` in a transaction of its own, tried again and else answered 503: a read
  never needs the write lock, and the answer is never a success without its event.
- **Many at once.** A batch (a sync batch, an import chunk, a sheet of cards) writes its events
  with one INSERT statement for all of them (`record_many`), not one per record.

The API's requests are described by their route and path ids (`describe`): that adapter names
the record an API call reads or changes, for the requests whose operation recorded no event of
its own (`record_many` marks those that did: `mark_recorded`; see `perisai.audit.hooks`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import click
from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.audit.models import AuditEvent

# Path variables that name an audited entity, and the entity each one names.
ENTITY_KEYS = {
    "worker_id": "participant",
    "payment_id": "payment",
    "card_id": "card",
    "serial": "card",
    "statement_id": "commission",
    "sponsor_id": "sponsor",
    "job_id": "import",
}
# Collections whose lists and creations are audited (the first path segment after /api/v1/).
COLLECTIONS = {
    "workers": "participant",
    "payments": "payment",
    "cards": "card",
    "commissions": "commission",
    "sync": "sync",
    "imports": "import",
    "reports": "report",
    "sponsors": "sponsor",
}
ACTIONS = {"GET": "read", "POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}
_SAFE_ID = re.compile(r"^[0-9A-Za-z\-]{1,64}$")
_NIK_OR_PHONE = re.compile(r"^[0-9]{10,}$")  # typed where an id goes: never kept
_PENDING = "perisai_audit_reads"  # flask.g: reads noted during the request, for the hook
_RECORDED = "perisai_audit_recorded"  # flask.g: the request's operation recorded its events
_INSERT = insert(AuditEvent)  # built once: executed with many rows at a time
BULK_ROWS = 1000  # rows per executemany (one INSERT statement, many parameter sets)


@dataclass(frozen=True)
class Actor:
    """Who acts, and through which entry point (`via`, stored as the event's `route`)."""

    user_id: int | None
    via: str
    remote_addr: str | None = None
    # A job's events (an import run) stand for the job, not for the request it may run inside.
    job: bool = False

    @classmethod
    def of(cls, user, via: str) -> Actor:
        """A user (or None) acting through `via`; from the request's address when in one."""
        return cls(getattr(user, "id", None), via, _remote_addr())

    @classmethod
    def of_request(cls) -> Actor:
        """The logged-in user (or nobody) and the matched route's template, never the URL."""
        rule = request.url_rule.rule if request.url_rule is not None else "?"
        user_id = current_user.id if current_user.is_authenticated else None
        return cls(user_id, f"{request.method} {rule}", request.remote_addr)

    @classmethod
    def of_cli(cls) -> Actor:
        """The CLI command being run (`cli perisai close-commissions`): no user."""
        ctx, names = click.get_current_context(silent=True), []
        while ctx is not None and ctx.parent is not None:  # the root is `flask` (or a runner)
            names.insert(0, ctx.info_name or ctx.command.name)
            ctx = ctx.parent
        return cls(None, " ".join(["cli", *names]))

    @classmethod
    def current(cls) -> Actor:
        """Whoever runs the operation: the request's actor, else the CLI command's."""
        return cls.of_request() if has_request_context() else cls.of_cli()

    @classmethod
    def of_import(cls, job) -> Actor:
        """An import job writes on behalf of whoever uploaded it, wherever it runs."""
        return cls(job.created_by_id, f"import {job.id}", job=True)


def _remote_addr() -> str | None:
    return request.remote_addr if has_request_context() else None


def safe_id(value) -> str | None:
    """The id as stored in the log, or None for anything that is not a plain id."""
    if value is None:
        return None
    value = str(value)
    return value if _SAFE_ID.match(value) and not _NIK_OR_PHONE.match(value) else None


def describe(rule: str, view_args: dict, method: str, created_id: str | None):
    """(action, entity_type, entity_id) for an API request, or None when it is not audited."""
    for key, entity in ENTITY_KEYS.items():
        if key in view_args:
            value = str(view_args[key])
            action = ACTIONS.get(method, method.lower())
            if method == "POST" and not rule.rstrip("/").endswith(f"<{key}>"):
                action = "action"  # e.g. POST …/payments/<id>/reverse
            return action, entity, safe_id(value)
    parts = rule.strip("/").split("/")
    collection = parts[2] if len(parts) > 2 and parts[:2] == ["api", "v1"] else None
    if collection in COLLECTIONS:
        action = "list" if method == "GET" else ACTIONS.get(method, method.lower())
        return action, COLLECTIONS[collection], safe_id(created_id)
    return None


def record_many(
    session: Session,
    actor: Actor,
    events: Iterable[tuple[str, str, object]],
    *,
    status_code: int = 200,
) -> int:
    """Many events of one actor — (action, entity_type, entity_id) each — in the session's
    transaction, with one INSERT statement (executed for all rows at once); returns how many.
    During a request they are its operation's own (`mark_recorded`), unless the actor is a job."""
    if not actor.job:
        mark_recorded()
    at = clock.now()
    rows = [
        {
            "at": at,
            "user_id": actor.user_id,
            "action": action,
            "entity_type": entity_type,
            "entity_id": safe_id(entity_id),
            "route": actor.via[:120],
            "status_code": status_code,
            "remote_addr": actor.remote_addr,
        }
        for action, entity_type, entity_id in events
    ]
    connection = session.connection()
    for start in range(0, len(rows), BULK_ROWS):
        connection.execute(_INSERT, rows[start : start + BULK_ROWS])
    return len(rows)


def mark_recorded() -> None:
    """This request's operation records its events itself, in its transaction (a change, a sync
    batch): the audit hook then adds no event described by the route, which would repeat them."""
    if has_request_context():
        setattr(g, _RECORDED, True)


def recorded_by_operation() -> bool:
    """Whether this request's operation recorded its events (taken: a second call says no)."""
    return bool(g.pop(_RECORDED, False))


def record_request(session: Session, events: Iterable[tuple[str, str, object]]) -> int:
    """Changes made by this request's operation (a page's form), in its transaction."""
    return record_many(session, Actor.of_request(), events)


def record_cli(session: Session, events: Iterable[tuple[str, str, object]]) -> int:
    """Changes made by a CLI command, with the command as their actor (committed with it): all
    of a command's events in one INSERT, as `record_request` does for a page's form."""
    return record_many(session, Actor.of_cli(), events)


def note_read(action: str, entity_type: str, entity_ids: Iterable = (None,)) -> None:
    """Personal data shown by this request (a page, a PDF, an export): written after the view
    by the audit hook, with the answer's status code (see `perisai.audit.hooks`)."""
    if not has_request_context():
        return
    pending = g.setdefault(_PENDING, [])
    pending.extend((action, entity_type, safe_id(entity_id)) for entity_id in entity_ids)


def pending_reads() -> list[tuple[str, str, str | None]]:
    """The reads noted so far by this request (taken: a second call returns none)."""
    return g.pop(_PENDING, [])


def events_for(session: Session, entity_type: str, entity_id: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.id)
        )
    )

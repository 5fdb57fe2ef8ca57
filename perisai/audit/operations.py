"""Recording audit events, generically for every API request that touches personal or money data.

The record is built from the matched route and its path ids only — never the URL, the query
string or the body — so a NIK typed into a search box can never end up in the log.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def describe(rule: str, view_args: dict, method: str, created_id: str | None):
    """(action, entity_type, entity_id) for a request, or None when it is not audited."""
    for key, entity in ENTITY_KEYS.items():
        if key in view_args:
            value = str(view_args[key])
            action = ACTIONS.get(method, method.lower())
            if method == "POST" and not rule.rstrip("/").endswith(f"<{key}>"):
                action = "action"  # e.g. POST …/payments/<id>/reverse
            return action, entity, value if _SAFE_ID.match(value) else None
    parts = rule.strip("/").split("/")
    collection = parts[2] if len(parts) > 2 and parts[:2] == ["api", "v1"] else None
    if collection in COLLECTIONS:
        action = "list" if method == "GET" else ACTIONS.get(method, method.lower())
        entity_id = created_id if created_id and _SAFE_ID.match(created_id) else None
        return action, COLLECTIONS[collection], entity_id
    return None


def record_event(
    session: Session,
    *,
    user_id: int | None,
    action: str,
    entity_type: str,
    entity_id: str | None,
    route: str,
    status_code: int,
    remote_addr: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        user_id=user_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        route=route[:120],
        status_code=status_code,
        remote_addr=remote_addr,
    )
    session.add(event)
    return event


def record_action(
    session: Session, *, by, action: str, entity_type: str, entity_id, via: str
) -> AuditEvent:
    """A change made by an operation (not a request): who (`by`, a user or None), what and on
    which record, through which entry point (`via`: a route, "sync", a CLI command)."""
    return record_event(
        session,
        user_id=getattr(by, "id", None),
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        route=via,
        status_code=200,
    )


def events_for(session: Session, entity_type: str, entity_id: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.id)
        )
    )

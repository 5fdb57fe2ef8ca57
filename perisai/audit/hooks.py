"""The after-request hook that writes an audit event for every audited API call.

An event that cannot be written is tried again; if it still fails the request answers 503
(logged), never a success without its event."""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import text
from werkzeug.exceptions import ServiceUnavailable

from perisai import transactions
from perisai.audit.operations import describe, record_event

log = logging.getLogger(__name__)
AUDIT_ATTEMPTS = 4  # an audit row not written after these fails the request (503)


def init_app(app):
    from perisai.extensions import db

    @app.after_request
    def audit(response):
        rule = request.url_rule
        if rule is None or not request.path.startswith("/api/v1/") or response.status_code >= 500:
            return response
        if response.status_code in (401, 404) and not current_user.is_authenticated:
            return response
        created_id = _created_id(response) if request.method == "POST" else None
        what = describe(rule.rule, request.view_args or {}, request.method, created_id)
        if what is None:
            return response
        if transactions.will_run_again():
            return response  # this run of the request is void; the next one is recorded
        for attempt in range(AUDIT_ATTEMPTS):
            try:
                _record(db, what, response.status_code)
            except Exception:  # whatever failed, the event must not be lost
                db.session.rollback()
                if attempt == AUDIT_ATTEMPTS - 1:
                    log.exception("audit event not recorded for %s %s", request.method, rule.rule)
                    return _unavailable()
                transactions.pause(attempt)
            else:
                return response


def _record(db, what, status_code: int) -> None:
    """The event in its own transaction, which on SQLite takes the write lock at once."""
    action, entity_type, entity_id = what
    rule = request.url_rule
    with transactions.immediate():
        db.session.rollback()  # never commit something a failed view left behind
        if request.method == "GET" and db.engine.dialect.name == "postgresql":
            # A read's audit row need not wait for the disk: a crash can lose at most the
            # last fraction of a second of read events, never a change or its event.
            db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        record_event(
            db.session,
            user_id=_user_id(),
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            route=f"{request.method} {rule.rule}",
            status_code=status_code,
            remote_addr=request.remote_addr,
        )
        db.session.commit()


def _unavailable():
    """503 with Retry-After in the one error shape: the answer must not claim a success whose
    audit event is missing (a change stays committed; a resend is idempotent)."""
    from perisai.extensions import api

    payload, status, _ = api.handle_http_exception(ServiceUnavailable())
    return current_app.make_response((payload, status, {"Retry-After": "5"}))


def _user_id() -> int | None:
    # The signed cookie holds a server-side session's id now, not the user's: the user's id is
    # read with `is_authenticated` (is_active), one primary-key read of the expired user row.
    return current_user.id if current_user.is_authenticated else None


def _created_id(response) -> str | None:
    if response.status_code not in (200, 201) or not response.is_json:
        return None
    body = response.get_json(silent=True)
    value = body.get("id") if isinstance(body, dict) else None
    return str(value) if value is not None else None

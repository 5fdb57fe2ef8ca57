"""Writing the events of a request that are not part of its transaction: its reads.

A change's events are written by its operation in the request's transaction (they commit with
it; a failed insert fails the request). What a request only shows — a participant, a list, a PDF,
an export — is noted while it runs (`operations.note_read`) and written here, after the view, in
a transaction of its own that on SQLite takes the write lock at once (a read never needs it
while it runs). An API request adds the event its route and path ids describe
(`operations.describe`), unless its operation recorded its own events (a change, a sync batch:
`operations.mark_recorded`) and the request succeeded, so that one change leaves one event; a
refused request's rolled-back events are then stood in for by its route's.

An event that cannot be written is tried again; if it still fails the request answers 503
(logged), never a success without its event."""

from __future__ import annotations

import logging

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import text
from werkzeug.exceptions import ServiceUnavailable

from perisai import transactions
from perisai.audit.operations import (
    Actor,
    describe,
    pending_reads,
    record_many,
    recorded_by_operation,
)
from perisai.extensions import api, db

log = logging.getLogger(__name__)
AUDIT_ATTEMPTS = 4  # an audit row not written after these fails the request (503)


def init_app(app):
    @app.before_request
    def forget_reads():
        pending_reads()  # a request that runs again (perisai.transactions) notes them again
        recorded_by_operation()  # and records its events again

    @app.after_request
    def audit(response):
        events = _events(response)
        if not events:
            return response
        if transactions.will_run_again():
            return response  # this run of the request is void; the next one is recorded
        for attempt in range(AUDIT_ATTEMPTS):
            try:
                _record(db, events, response.status_code)
            except Exception:  # whatever failed, the event must not be lost
                db.session.rollback()
                if attempt == AUDIT_ATTEMPTS - 1:
                    rule = request.url_rule.rule if request.url_rule else request.path
                    log.exception("audit event not recorded for %s %s", request.method, rule)
                    return _unavailable()
                transactions.pause(attempt)
            else:
                return response


def _events(response) -> list[tuple[str, str, str | None]]:
    """What this request read (noted by its views and operations) and, for the API, what its
    route describes when its operation recorded nothing that was committed."""
    events = pending_reads()
    recorded = recorded_by_operation() and response.status_code < 400
    if response.status_code >= 500:
        return []  # nothing was shown
    if response.status_code in (401, 404) and not current_user.is_authenticated:
        return []
    rule = request.url_rule
    if rule is not None and request.path.startswith("/api/v1/") and not recorded:
        created_id = _created_id(response) if request.method == "POST" else None
        described = describe(rule.rule, request.view_args or {}, request.method, created_id)
        if described is not None:
            events.insert(0, described)
    return events


def _record(db, events, status_code: int) -> None:
    """The events in their own transaction, which on SQLite takes the write lock at once."""
    with transactions.immediate():
        db.session.rollback()  # never commit something a failed view left behind
        if request.method == "GET" and db.engine.dialect.name == "postgresql":
            # A read's audit row need not wait for the disk: a crash can lose at most the
            # last fraction of a second of read events, never a change or its event.
            db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
        record_many(db.session, Actor.of_request(), events, status_code=status_code)
        db.session.commit()


def _unavailable():
    """503 with Retry-After in the one error shape: the answer must not claim a success whose
    audit event is missing (a change stays committed; a resend is idempotent)."""
    payload, status, _ = api.handle_http_exception(ServiceUnavailable())
    return current_app.make_response((payload, status, {"Retry-After": "5"}))


def _created_id(response) -> str | None:
    if response.status_code not in (200, 201) or not response.is_json:
        return None
    body = response.get_json(silent=True)
    value = body.get("id") if isinstance(body, dict) else None
    return str(value) if value is not None else None

"""The after-request hook that writes an audit event for every audited API call."""

from __future__ import annotations

import logging

from flask import request, session
from flask_login import current_user
from sqlalchemy import text

from perisai.audit.operations import describe, record_event

log = logging.getLogger(__name__)


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
        action, entity_type, entity_id = what
        try:
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
                status_code=response.status_code,
                remote_addr=request.remote_addr,
            )
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("audit event not recorded for %s %s", request.method, rule.rule)
        return response


def _user_id() -> int | None:
    # From the signed session, not current_user: the view's commit expired the user row and
    # reading current_user.id would cost a query on every request.
    raw = str(session.get("_user_id") or "").partition(":")[0]
    return int(raw) if raw.isdigit() and current_user.is_authenticated else None


def _created_id(response) -> str | None:
    if response.status_code not in (200, 201) or not response.is_json:
        return None
    body = response.get_json(silent=True)
    value = body.get("id") if isinstance(body, dict) else None
    return str(value) if value is not None else None

"""The after-request hook that writes an audit event for every audited API call."""

from __future__ import annotations

import logging

from flask import request
from flask_login import current_user

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
        user_id = current_user.id if current_user.is_authenticated else None
        try:
            db.session.rollback()  # never commit something a failed view left behind
            record_event(
                db.session,
                user_id=user_id,
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


def _created_id(response) -> str | None:
    if response.status_code not in (200, 201) or not response.is_json:
        return None
    body = response.get_json(silent=True)
    value = body.get("id") if isinstance(body, dict) else None
    return str(value) if value is not None else None

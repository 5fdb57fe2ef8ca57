"""WhatsApp's delivery status webhooks (the Cloud API's `messages` field).

Meta first checks the callback URL with a GET: `hub.mode=subscribe`, `hub.verify_token` (ours,
WHATSAPP_VERIFY_TOKEN, chosen when the webhook is configured) and `hub.challenge`, which is
answered as plain text when the token matches (403 otherwise). Then every event is a POST whose
raw body is signed with the app secret: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the
body>`. A body with a missing or wrong signature, or any body while WHATSAPP_APP_SECRET is not
set, is refused (403) before it is read.

A status names our message by the id the send returned (`statuses[].id`, a wamid) and says
`sent`, `delivered`, `read` or `failed` (with `errors[].code`/`title`). Delivered and read
make the message `delivered`; failed makes it `failed` with WhatsApp's reason and sends the
SMS instead when the participant consented to SMS (delivery.fallback_sms). Statuses may come
twice or out of order: a message is never moved back from delivered to sent, and a failure
after delivery is only noted. Unknown ids (another system's messages) are ignored.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.notifications.delivery import fallback_sms
from perisai.notifications.models import Notification


def signature_valid(secret: str | None, body: bytes, header: str | None) -> bool:
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


def verify_token_valid(expected: str | None, mode: str | None, token: str | None) -> bool:
    if not expected or mode != "subscribe" or token is None:
        return False
    return hmac.compare_digest(expected.encode(), token.encode())


def _items(obj, key: str) -> list:
    value = obj.get(key) if isinstance(obj, dict) else None
    return value if isinstance(value, list) else []


def statuses_of(payload) -> list[dict]:
    """Every status object in a webhook body, whatever else it holds (or lacks)."""
    found = []
    for entry in _items(payload, "entry"):
        for change in _items(entry, "changes"):
            value = change.get("value") if isinstance(change, dict) else None
            for status in _items(value, "statuses"):
                if isinstance(status, dict) and isinstance(status.get("id"), str):
                    found.append(status)
    return found


def _moment(status: dict) -> datetime:
    try:
        return datetime.fromtimestamp(int(status.get("timestamp")), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return clock.now()


def _failure_reason(status: dict) -> str:
    errors = status.get("errors") or [{}]
    error = errors[0] if isinstance(errors, list) and isinstance(errors[0], dict) else {}
    code, title = error.get("code"), error.get("title") or error.get("message") or ""
    reason = "whatsapp_failed" + (f" code {code}" if code is not None else "")
    return f"{reason}: {title}"[:200] if title else reason


def apply_statuses(session: Session, payload) -> int:
    """Record the statuses of a webhook body; how many of our messages changed. Flushes."""
    statuses = statuses_of(payload)
    ids = {status["id"][:128] for status in statuses}
    if not ids:
        return 0
    messages = {
        n.provider_message_id: n
        for n in session.scalars(
            select(Notification).where(
                Notification.provider_message_id.in_(ids), Notification.channel == "whatsapp"
            )
        )
    }
    changed = 0
    for status in statuses:
        n = messages.get(status["id"][:128])
        if n is None:
            continue
        kind = status.get("status")
        if kind in ("delivered", "read") and n.state != "delivered":
            n.state, n.delivered_at = "delivered", _moment(status)
            changed += 1
        elif kind == "failed" and n.state in ("queued", "sent"):
            n.state, n.reason = "failed", _failure_reason(status)
            if fallback_sms(session, n, clock.now()):
                n.reason = f"{n.reason} (SMS sent instead)"[:200]
            changed += 1
        elif kind == "failed" and n.state == "delivered":
            n.reason = f"after delivery: {_failure_reason(status)}"[:200]
        elif kind == "sent" and n.state == "queued":
            n.state, n.sent_at = "sent", n.sent_at or _moment(status)
            changed += 1
    session.flush()
    return changed

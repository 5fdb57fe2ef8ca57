"""The outbox's configuration, and the session event that queues a receipt with its payment.

Configuration (README "Reaching participants"): PERISAI_WHATSAPP_API_URL (default Meta's graph
host), PERISAI_WHATSAPP_PHONE_ID, PERISAI_WHATSAPP_TOKEN, PERISAI_WHATSAPP_APP_SECRET (the
webhooks' signature), PERISAI_WHATSAPP_VERIFY_TOKEN (the webhook's set-up handshake),
PERISAI_SMS_API_URL, PERISAI_SMS_TOKEN, PERISAI_SMS_SENDER, PERISAI_NOTIFICATIONS_CONCURRENCY
(threads sending a batch) and PERISAI_NOTIFICATIONS_TIMEOUT (seconds per request). A value the
app was created with (a test's) wins over the environment.

Receipts: payments are recorded by perisai.contributions, which knows nothing of messages; an
`after_flush` listener sees every payment the flush made accepted (new, or a pending one
approved) and inserts their receipts on the flush's own connection, in one statement however
many there are, so the outbox rows commit (or roll back) with the payments, whichever path
recorded them (the API, a sync batch, an import, a sponsor).
"""

from __future__ import annotations

import os

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from perisai.contributions.models import Payment
from perisai.notifications.gateways import DEFAULT_WHATSAPP_API_URL
from perisai.notifications.queueing import accepted_now, receipt_row, receipts_insert

SETTINGS = {
    "WHATSAPP_API_URL": DEFAULT_WHATSAPP_API_URL,
    "WHATSAPP_PHONE_ID": None,
    "WHATSAPP_TOKEN": None,
    "WHATSAPP_APP_SECRET": None,
    "WHATSAPP_VERIFY_TOKEN": None,
    "SMS_API_URL": None,
    "SMS_TOKEN": None,
    "SMS_SENDER": None,
    "NOTIFICATIONS_CONCURRENCY": 4,
    "NOTIFICATIONS_TIMEOUT": 10,
}


def init_app(app) -> None:
    for name, default in SETTINGS.items():
        if name not in app.config:
            app.config[name] = os.environ.get(f"PERISAI_{name}") or default
    if not event.contains(Session, "after_flush", queue_receipts):
        event.listen(Session, "after_flush", queue_receipts)


def queue_receipts(session: Session, flush_context) -> None:
    """Insert the receipt of every payment this flush made accepted (see the module)."""
    payments = [(p, True) for p in session.new if isinstance(p, Payment)]
    payments += [(p, False) for p in session.dirty if isinstance(p, Payment)]
    rows = [
        receipt_row(payment)
        for payment, is_new in payments
        if accepted_now(payment, is_new, inspect(payment).attrs.state.history)
    ]
    if rows:
        connection = session.connection()
        connection.execute(receipts_insert(connection.dialect.name), rows)

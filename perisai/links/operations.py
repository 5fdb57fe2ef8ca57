"""Public links to one card or one receipt PDF, valid for LINK_DAYS days.

A link is `<base URL>/l/card/<token>.pdf` or `<base URL>/l/receipt/<token>.pdf`; the token is
signed with the app's SECRET_KEY (itsdangerous, its own salt) and carries what it opens and
when it expires, so no table is needed and every server can check it. The expiry is read from
the one clock (perisai.clock), not from the signer's timestamp, so tests and demos can move it.

A card link names the card that was shared. When that card was replaced by a newer one (the
participant's data changed), the link opens the current card: the holder wants their card,
and the old one no longer verifies. A revoked card (lost, stolen, misused) is not shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.api import base_url
from perisai.auth.permissions import Scope
from perisai.cards import operations as cards
from perisai.cards.models import Card
from perisai.contributions import payments
from perisai.contributions.models import Payment
from perisai.workers.models import Worker

LINK_DAYS = 30
SALT = "perisai-public-link-v1"
KINDS = ("card", "receipt")


class LinkError(Exception):
    """Why a public link does not open: `unknown` (404) or another reason (410)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.status = 404 if reason == "unknown" else 410


@dataclass(frozen=True)
class Link:
    url: str
    expires_at: datetime


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt=SALT)


def make_link(kind: str, subject: str, *, now: datetime | None = None) -> Link:
    """A signed URL opening `subject` (a card serial or a payment id) until now + LINK_DAYS."""
    expires_at = (now or clock.now()) + timedelta(days=LINK_DAYS)
    token = _serializer().dumps([kind, subject, int(expires_at.timestamp())])
    return Link(f"{base_url()}/l/{kind}/{token}.pdf", expires_at.replace(microsecond=0))


def read_token(kind: str, token: str) -> str:
    """The subject of a genuine, unexpired token of this kind; LinkError otherwise."""
    try:
        claimed_kind, subject, expires = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise LinkError("unknown") from None
    if claimed_kind != kind or not isinstance(subject, str) or not isinstance(expires, int):
        raise LinkError("unknown")
    if clock.now() > datetime.fromtimestamp(expires, UTC):
        raise LinkError("expired")
    return subject


# --- creating (logged in, scope checked) ----------------------------------------------------


def card_link(session: Session, scope: Scope, worker_id, user) -> Link:
    """Issue (or reuse) the participant's card, as printing it would, and link to it."""
    worker = scope.worker(session, worker_id)
    (printed,) = cards.print_cards(session, [worker], user=user, batch=False)
    return make_link("card", str(printed.card.id))


def receipt_link(session: Session, scope: Scope, payment_id) -> Link:
    payment, _ = payments.visible_payment(session, scope, payment_id)
    return make_link("receipt", str(payment.id))


# --- opening (public) -------------------------------------------------------------------------


def open_card(session: Session, token: str) -> cards.PrintedCard:
    """The current card of the participant whose card the link shared (recorded as a print
    with no user). Flushes, never commits."""
    try:
        serial = int(read_token("card", token))
    except ValueError:
        raise LinkError("unknown") from None
    shared = session.get(Card, serial)
    if shared is None:
        raise LinkError("unknown")
    worker = session.get(Worker, shared.worker_id)
    if worker.anonymised_at is not None:
        raise LinkError("gone")
    current = session.scalar(
        select(Card).where(Card.worker_id == worker.id, Card.status == "active")
    )
    if shared.status == "revoked" or current is None:
        raise LinkError("card_revoked")
    (printed,) = cards.print_cards(session, [worker], user=None, batch=False)
    return printed


def open_receipt(session: Session, token: str) -> tuple[Payment, Worker]:
    try:
        payment = session.get(Payment, uuid.UUID(read_token("receipt", token)))
    except ValueError:
        raise LinkError("unknown") from None
    if payment is None:
        raise LinkError("unknown")
    worker = session.get(Worker, payment.worker_id)
    if worker.anonymised_at is not None:
        raise LinkError("gone")
    return payment, worker

"""Issuing, printing, revoking and verifying membership cards.

Printed data: name, membership number, masked NIK, programs, occupation, member-since month
and agent code. A change in any of them makes the next print issue a new card (the old one is
`replaced`); otherwise the active card is printed again and only the print is recorded. The
protection month is printed too but is not part of the card's identity: it moves every time a
contribution is paid, and the QR verification always shows the live status.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session, selectinload

from perisai import clock, zones
from perisai.api import base_url
from perisai.auth.models import User
from perisai.auth.permissions import Scope
from perisai.cards import keys, tokens
from perisai.cards.models import Card, CardPrint
from perisai.cards.render import CardFace
from perisai.errors import Conflict, DomainError
from perisai.months import Month
from perisai.workers.models import Occupation, Worker, status_for

PROGRAM_SEPARATOR = " · "


class WorkersNotFound(DomainError):
    status_code = 404


@dataclass
class PrintedCard:
    card: Card
    worker: Worker
    face: CardFace


# --- what is printed ---------------------------------------------------------------------


def mask_name(full_name: str) -> str:
    """'Ni Luh Putu Ayu Saraswati Dewi' → 'Ni L*** P*** A*** S*** D***'.

    The first word stays (it is often a birth-order or honorific word, and lets the holder
    recognise the card); every other word keeps its first character. Three stars whatever the
    word's length, so the mask does not leak lengths. A one-word name keeps two characters.
    """
    words = full_name.split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][:2] + "***"
    return " ".join([words[0], *(word[0] + "***" for word in words[1:])])


def _month_text(month: Month | None) -> str:
    return f"{month.month:02d}/{month.year}" if month else ""


def coverage_text(worker: Worker, today: date) -> str:
    status = status_for(worker.covered_until, Month.of(today), worker.died_on)
    until = _month_text(worker.covered_until)
    return {
        "registered": "belum aktif (belum membayar)",
        "active": until,
        "grace": f"{until} (masa tenggang)",
        "ended": f"{until} (berakhir)",
    }[status]


def _agent_code(worker: Worker) -> str:
    agent = worker.registered_by or worker.managed_by
    return agent.agent_code if agent else "—"


def printed_data(worker: Worker, occupation_label: str) -> dict:
    """The card's identity: what a holder would see change on a new card."""
    return {
        "full_name": worker.full_name,
        "membership_number": worker.membership_number,
        "nik_masked": worker.nik_masked,
        "programs": PROGRAM_SEPARATOR.join(worker.programs),
        "occupation": occupation_label,
        "member_since": _month_text(Month.of(worker.created_at.date())),
        "agent_code": _agent_code(worker),
    }


def _hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def verify_url(card: Card, signer: keys.Signer | None = None, worker: Worker | None = None) -> str:
    """The URL in the card's QR code, signed now: the holder's name and protection month as
    they are now (what the printed card shows) go into the token for an offline check."""
    signer = signer or keys.signer(object_session(card))
    worker = worker or card.worker
    claim = tokens.CardClaim(
        card.id, card.membership_number, card.issued_on, covered_until=worker.covered_until
    )
    return f"{base_url()}/v/{tokens.sign(signer, claim, worker.full_name)}"


def card_face(card: Card, worker: Worker, data: dict, today: date, signer: keys.Signer) -> CardFace:
    return CardFace(
        serial=card.id,
        coverage=coverage_text(worker, today),
        issued_on=card.issued_on,
        verify_url=verify_url(card, signer, worker),
        **{key: value for key, value in data.items()},
    )


def _occupation_labels(session: Session, workers: list[Worker]) -> dict[str, str]:
    codes = {worker.occupation for worker in workers}
    rows = session.execute(
        select(Occupation.code, Occupation.label_id).where(Occupation.code.in_(codes))
    ).all()
    labels = dict(rows)
    return {code: labels.get(code) or code.replace("_", " ").capitalize() for code in codes}


# --- issuing and printing --------------------------------------------------------------


def load_printable_workers(session: Session, scope: Scope, worker_ids: list) -> list[Worker]:
    """The workers to print, in print order (village, then name); 404 naming every id that is
    unknown or outside the caller's scope, so nothing is printed."""
    wanted = list(dict.fromkeys(uuid.UUID(str(worker_id)) for worker_id in worker_ids))
    found: list[Worker] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found += session.scalars(
            select(Worker)
            .where(Worker.id.in_(chunk), scope.workers())
            .options(selectinload(Worker.registered_by), selectinload(Worker.managed_by))
        ).all()
    missing = sorted(set(wanted) - {worker.id for worker in found}, key=wanted.index)
    if missing:
        ids = [str(worker_id) for worker_id in missing]
        token = "cards.workers_not_found|" + ", ".join(ids)
        raise WorkersNotFound(
            token, {"json": {"worker_ids": [token]}}, extra={"missing_worker_ids": ids}
        )
    return sorted(
        found,
        key=lambda w: (w.village_code, w.full_name.casefold(), w.membership_number),
    )


_Plan = list[tuple[Worker, dict, Card | None, bool]]


def _active_cards(session: Session, workers: list[Worker]) -> dict[uuid.UUID, Card]:
    """Each worker's active card, by worker id."""
    ids = [worker.id for worker in workers]
    active: dict[uuid.UUID, Card] = {}
    for start in range(0, len(ids), 500):
        for card in session.scalars(
            select(Card).where(
                Card.worker_id.in_(ids[start : start + 500]), Card.status == "active"
            )
        ):
            active[card.worker_id] = card
    return active


def _plan_cards(
    workers: list[Worker],
    labels: dict,
    active: dict[uuid.UUID, Card],
    days: dict,
    now: datetime,
    user_id: int | None,
) -> tuple[_Plan, list[tuple[Card, Worker]]]:
    """Per worker, the card to print (reused when its data is unchanged, else a new one) and
    the cards the new ones replace."""
    plan: _Plan = []
    replaced: list[tuple[Card, Worker]] = []
    for worker in workers:
        data = printed_data(worker, labels[worker.occupation])
        digest = _hash(data)
        current = active.get(worker.id)
        if current is not None and current.data_hash == digest:
            plan.append((worker, data, current, False))
            continue
        if current is not None:
            # Before the new card exists: at most one active card per worker (unique index).
            current.status, current.replaced_at = "replaced", now
            replaced.append((current, worker))
        card = Card(
            worker_id=worker.id,
            membership_number=worker.membership_number,
            issued_on=days[worker.id],
            issued_at=now,
            issued_by_id=user_id,
            data_hash=digest,
            status="active",
        )
        plan.append((worker, data, card, True))
    return plan, replaced


def _store_new_cards(
    session: Session,
    plan: _Plan,
    replaced: list[tuple[Card, Worker]],
) -> None:
    """Flush the replaced cards, then add the new ones and link each old card to its successor."""
    session.flush()
    session.add_all([card for _, _, card, new in plan if new])
    session.flush()
    successors = {card.worker_id: card for _, _, card, new in plan if new}
    for old, worker in replaced:
        old.replaced_by_id = successors[worker.id].id


def _record_prints(
    session: Session,
    plan: _Plan,
    now: datetime,
    user_id: int | None,
    batch: bool,
) -> None:
    batch_id = uuid.uuid4() if batch else None
    session.add_all(
        CardPrint(
            card_id=card.id, printed_at=now, printed_by_id=user_id, batch_id=batch_id, is_issue=new
        )
        for _, _, card, new in plan
    )
    session.flush()


def print_cards(
    session: Session,
    workers: list[Worker],
    *,
    user: User | None,
    batch: bool,
    today: date | None = None,
) -> list[PrintedCard]:
    """Issue or reuse each worker's card and record the print. Flushes, never commits.
    `today` (default: each participant's own today, in their branch's zone) dates the card and
    its coverage line."""
    labels = _occupation_labels(session, workers)
    active = _active_cards(session, workers)
    now = clock.now()
    days = {w.id: today or zones.today_of_worker(session, w) for w in workers}
    user_id = user.id if user is not None else None
    plan, replaced = _plan_cards(workers, labels, active, days, now, user_id)
    _store_new_cards(session, plan, replaced)
    _record_prints(session, plan, now, user_id, batch)
    signer = keys.signer(session)
    return [
        PrintedCard(card, worker, card_face(card, worker, data, days[worker.id], signer))
        for worker, data, card, new in plan
    ]


def revoke_card(session: Session, card: Card, *, user: User, reason: str | None) -> Card:
    """Revoke an active card (lost, stolen, misused); revoking twice changes nothing."""
    if card.status == "revoked":
        return card
    if card.status != "active":
        raise Conflict("cards.not_active", {"json": {"serial": ["cards.not_active"]}})
    card.status, card.revoked_at = "revoked", clock.now()
    card.revoked_by_id, card.revoke_reason = user.id, reason
    session.flush()
    return card


def get_visible_card(session: Session, scope: Scope, serial: int) -> Card | None:
    return session.scalar(
        select(Card)
        .join(Worker, Card.worker_id == Worker.id)
        .where(Card.id == serial, scope.workers())
    )


def worker_cards(session: Session, worker: Worker) -> list[Card]:
    return list(
        session.scalars(select(Card).where(Card.worker_id == worker.id).order_by(Card.id.desc()))
    )


# --- public verification ------------------------------------------------------------------


def verify_card(
    session: Session, claim: tokens.CardClaim, today: date | None = None
) -> dict | None:
    """What the public may know about the card of a genuine token (see tokens.verify, which
    refuses altered or forged tokens without the database), or None when no such card exists.
    Never returns the NIK, phone, address or birth date.
    """
    card = session.get(Card, claim.serial)
    if (
        card is None
        or card.membership_number != claim.membership_number
        or card.issued_on != claim.issued_on
    ):
        return None
    worker = card.worker
    valid = card.status == "active" and worker.anonymised_at is None
    result = {
        "valid": valid,
        "membership_number": card.membership_number,
        "name_masked": mask_name(worker.full_name),
        "status": status_for(
            worker.covered_until,
            Month.of(today or zones.today_of_worker(session, worker)),
            worker.died_on,
        ),
        "covered_until": worker.covered_until,
        "issued_on": card.issued_on,
        "serial": card.id,
    }
    if not valid:
        result["reason"] = "replaced" if card.status == "replaced" else "revoked"
    return result

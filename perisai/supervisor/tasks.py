"""What the supervisor's task pages read and do: the card print queue, participant search and
profile, renewal follow-up. Always within the caller's scope (`Scope.workers()`); every list is
read page by page with its related rows fetched in one query each, never per row. Never commits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from perisai import clock
from perisai.agents.models import Agent, Wadah
from perisai.audit.models import AuditEvent
from perisai.audit.operations import note_read
from perisai.auth.models import User
from perisai.auth.permissions import Scope
from perisai.cards import keys
from perisai.cards import operations as cards
from perisai.cards.models import Card, CardPrint
from perisai.contributions.models import Payment
from perisai.contributions.payments import worker_payments
from perisai.contributions.renewals import renewal_query
from perisai.errors import ValidationFailed
from perisai.months import Month
from perisai.regions.models import Region
from perisai.regions.operations import names_of
from perisai.workers.models import Worker, WorkerChange, mask_nik, status_for
from perisai.workers.queries import list_query

CARD_FILTERS = ("never", "new", "replaced")
REVOKE_REASONS = ("lost", "stolen", "damaged", "misused", "other")
PAGE_SIZE = 50
EXPORT_LIMIT = 50_000


COUNT_CAP = 1_000  # beyond this a list says "more than 1,000" rather than counting on


@dataclass
class PageOf:
    rows: list
    total: int  # exact up to COUNT_CAP; COUNT_CAP + 1 when there are more (`capped`)
    page: int
    has_next: bool | None = None

    @property
    def cap(self) -> int:
        return COUNT_CAP

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def pages(self) -> int:
        """The number of pages when the total is exact (a capped list shows no page count)."""
        return max(1, (self.total + PAGE_SIZE - 1) // PAGE_SIZE)

    @property
    def more(self) -> bool:
        """Whether a next page exists."""
        return self.has_next if self.has_next is not None else self.page < self.pages


def _page(session: Session, stmt, page: int) -> tuple[list, int, bool]:
    """One page of rows, the total counted up to COUNT_CAP + 1 only (counting every match of a
    national list took longer than the page itself), and whether a next page exists. A first
    page with no next page is its own total: no count."""
    offset = (page - 1) * PAGE_SIZE
    rows = list(session.scalars(stmt.limit(PAGE_SIZE + 1).offset(offset)).all())
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if page == 1 and not has_next:
        return rows, len(rows), False
    capped = stmt.order_by(None).limit(COUNT_CAP + 1).subquery()
    total = session.scalar(select(func.count()).select_from(capped))
    return rows, total, has_next


def _active_cards(session: Session, worker_ids) -> dict[uuid.UUID, Card]:
    if not worker_ids:
        return {}
    rows = session.scalars(
        select(Card).where(Card.worker_id.in_(list(worker_ids)), Card.status == "active")
    )
    return {card.worker_id: card for card in rows}


# --- card printing ----------------------------------------------------------------------


def card_queue_query(scope: Scope, *, kind: str | None, today: date, zone: str):
    """Participants to print: `never` (no card yet: the branch's print queue), `new` (registered
    this month), `replaced` (a card was replaced or revoked and no active card has been printed
    since). None: every participant in scope."""
    stmt = select(Worker).where(scope.workers(), Worker.anonymised_at.is_(None))
    any_card = exists().where(Card.worker_id == Worker.id)
    if kind == "never":
        stmt = stmt.where(~any_card)
    elif kind == "new":
        stmt = stmt.where(Worker.created_at >= clock.start_of_month(Month.of(today), zone))
    elif kind == "replaced":
        gone = exists().where(Card.worker_id == Worker.id, Card.status.in_(("replaced", "revoked")))
        printed_active = exists().where(
            Card.worker_id == Worker.id,
            Card.status == "active",
            exists().where(CardPrint.card_id == Card.id, CardPrint.printed_at >= Card.issued_at),
        )
        stmt = stmt.where(gone, ~printed_active)
    return stmt.order_by(Worker.village_code, Worker.full_name, Worker.id)


def card_queue(session, scope, *, kind, page, today, zone) -> tuple[PageOf, dict]:
    stmt = card_queue_query(scope, kind=kind, today=today, zone=zone).options(
        selectinload(Worker.managed_by)
    )
    rows, total, more = _page(session, stmt, page)
    return PageOf(rows, total, page, more), _active_cards(session, [w.id for w in rows])


def print_batch(session: Session, scope: Scope, worker_ids: list, *, user):
    """Issue (or reuse) and record the cards of the chosen participants: cards.operations."""
    if not worker_ids:
        raise ValidationFailed("svt.choose_some", {"form": {"worker_ids": ["svt.choose_some"]}})
    if len(worker_ids) > 1000:
        raise ValidationFailed(
            "cards.worker_ids_count", {"form": {"worker_ids": ["cards.worker_ids_count"]}}
        )
    workers = cards.load_printable_workers(session, scope, worker_ids)
    return cards.print_cards(session, workers, user=user, batch=True)


def preview_cards(session: Session, scope: Scope, worker_ids: list) -> list:
    """The card faces as they would print, without issuing or recording anything but the read
    of the participants shown (noted for the request's audit hook)."""
    workers = cards.load_printable_workers(session, scope, worker_ids[:10])
    note_read("read", "participant", [w.id for w in workers])
    labels = cards._occupation_labels(session, workers)
    faces = []
    signer = keys.signer(session)  # a preview's QR is signed as a printed card's is
    for worker in workers:
        data = cards.printed_data(worker, labels[worker.occupation])
        card = Card(
            id=0,
            worker_id=worker.id,
            membership_number=worker.membership_number,
            issued_on=clock.today(),
            data_hash="",
        )
        faces.append(cards.card_face(card, worker, data, clock.today(), signer))
    return faces


def revoke(session: Session, scope: Scope, serial: int, *, user, reason: str, note: str):
    """Revoke a card with a reason from the list (and a note when the reason is `other`)."""
    errors = {}
    if reason not in REVOKE_REASONS:
        errors["reason"] = ["svt.reason_needed"]
    elif reason == "other" and not 3 <= len(note) <= 150:
        errors["note"] = ["field.length|3|150"]
    elif len(note) > 150:
        errors["note"] = ["field.length_max|150"]
    if errors:
        raise ValidationFailed("http.422", {"form": errors})
    card = cards.get_visible_card(session, scope, serial)
    if card is None:
        raise ValidationFailed("svt.unknown_card", {"form": {"serial": ["svt.unknown_card"]}})
    text = reason if not note else f"{reason}: {note}"
    return cards.revoke_card(session, card, user=user, reason=text[:200])


def print_log(session: Session, scope: Scope, limit: int = 30) -> list:
    """The latest prints in scope: when, who, which card, for whom."""
    printer = aliased(User)
    stmt = (
        select(CardPrint, Card, Worker, printer.username)
        .join(Card, CardPrint.card_id == Card.id)
        .join(Worker, Card.worker_id == Worker.id)
        .outerjoin(printer, CardPrint.printed_by_id == printer.id)
        .where(scope.workers())
        .order_by(CardPrint.id.desc())
        .limit(limit)
    )
    return session.execute(stmt).all()


# --- participants ---------------------------------------------------------------------------


def is_nik(q: str | None) -> bool:
    """A full NIK typed into the search box (never echoed back, never put into a URL)."""
    return bool(q) and q.strip().isdigit() and len(q.strip()) == 16


def search(session, scope, *, q, status, page, today) -> PageOf:
    stmt = list_query(scope, q=q, status=status, due_within_days=None, today=today)
    rows, total, more = _page(session, stmt, page)
    return PageOf(rows, total, page, more)


@dataclass
class Profile:
    worker: Worker
    status: str
    payments: list
    cards: list
    changes: list  # (AuditEvent, username)
    reads: list  # (AuditEvent, username)
    village: str
    versions: list  # (WorkerChange, username, [(field, old, new)]): the participant's history


def profile(session: Session, worker: Worker, today: date) -> Profile:
    payments = session.scalars(
        worker_payments(worker).options(
            selectinload(Payment.months), selectinload(Payment.reversal)
        )
    ).all()
    card_rows = cards.worker_cards(session, worker)
    prints = dict(
        session.execute(
            select(CardPrint.card_id, func.count(CardPrint.id))
            .where(CardPrint.card_id.in_([c.id for c in card_rows] or [0]))
            .group_by(CardPrint.card_id)
        ).all()
    )
    events = session.execute(
        select(AuditEvent, User.username)
        .outerjoin(User, AuditEvent.user_id == User.id)
        .where(
            or_(
                and_(
                    AuditEvent.entity_type == "participant",
                    AuditEvent.entity_id == str(worker.id),
                ),
                and_(
                    AuditEvent.entity_type == "payment",
                    AuditEvent.entity_id.in_([str(p.id) for p in payments] or [""]),
                ),
                and_(
                    AuditEvent.entity_type == "card",
                    AuditEvent.entity_id.in_([str(c.id) for c in card_rows] or [""]),
                ),
            )
        )
        .order_by(AuditEvent.id.desc())
        .limit(200)
    ).all()
    reading = ("read", "list")
    versions = [
        (change, name, _changed_fields(change.changes))
        for change, name in session.execute(
            select(WorkerChange, User.username)
            .outerjoin(User, WorkerChange.changed_by_id == User.id)
            .where(WorkerChange.worker_id == worker.id)
            .order_by(WorkerChange.version.desc(), WorkerChange.id.desc())
            .limit(200)
        )
    ]
    return Profile(
        worker=worker,
        status=status_for(worker.covered_until, Month.of(today)),
        payments=payments,
        cards=[(card, prints.get(card.id, 0)) for card in card_rows],
        changes=[(e, name) for e, name in events if e.action not in reading],
        reads=[(e, name) for e, name in events if e.action in reading],
        village=names_of(session, [worker.village_code]).get(worker.village_code, ""),
        versions=versions,
    )


def _changed_fields(changes: dict) -> list[tuple[str, str, str]]:
    """field → [old, new] as shown on the page; a NIK only masked (it is never shown in full
    in a list)."""
    shown = []
    for field, pair in sorted((changes or {}).items()):
        old, new = [*pair, None, None][:2] if isinstance(pair, list | tuple) else (None, pair)
        if field == "nik":
            old, new = (mask_nik(v) if v else v for v in (old, new))
        shown.append((field, "–" if old is None else str(old), "–" if new is None else str(new)))
    return shown


# --- renewal follow-up ----------------------------------------------------------------------


def renewals_query(scope: Scope, *, today: date, agent_id, village, due_within_days: int):
    """Participants in grace (about to end) or due within N days, by agent and village."""
    stmt = renewal_query(
        scope.workers(), today=today, due_within_days=due_within_days, ended_within_months=0
    )
    if agent_id is not None:
        stmt = stmt.where(Worker.managed_by_id == agent_id)
    if village:
        stmt = stmt.where(Worker.village_code == village)
    return stmt.options(selectinload(Worker.managed_by))


def renewal_row(worker: Worker, today: date, villages: dict) -> dict:
    month = Month.of(today)
    status = status_for(worker.covered_until, month)
    end = worker.covered_until.last_day()
    grace_ends = (worker.covered_until + 3).last_day()
    return {
        "worker": worker,
        "status": status,
        "agent": worker.managed_by.agent_code if worker.managed_by else "",
        "village": villages.get(worker.village_code, ""),
        "coverage_ends_on": end,
        "ends_on": grace_ends if status == "grace" else end,
        "days_left": ((grace_ends if status == "grace" else end) - today).days,
        "months_owed": month - worker.covered_until if status == "grace" else 0,
    }


def renewals(session, scope, *, today, agent_id, village, due_within_days, page) -> PageOf:
    stmt = renewals_query(
        scope, today=today, agent_id=agent_id, village=village, due_within_days=due_within_days
    )
    rows, total, more = _page(session, stmt, page)
    villages = names_of(session, {w.village_code for w in rows})
    return PageOf([renewal_row(w, today, villages) for w in rows], total, page, more)


def renewal_export_rows(session, scope, *, today, agent_id, village, due_within_days):
    stmt = renewals_query(
        scope, today=today, agent_id=agent_id, village=village, due_within_days=due_within_days
    ).limit(EXPORT_LIMIT)
    workers = session.scalars(stmt).all()
    villages = names_of(session, {w.village_code for w in workers})
    for worker in workers:
        row = renewal_row(worker, today, villages)
        yield [
            row["agent"],
            worker.village_code,
            row["village"],
            worker.membership_number,
            worker.full_name,
            row["status"],
            str(worker.covered_until),
            row["ends_on"].isoformat(),
            row["days_left"],
            row["months_owed"],
        ]


def branch_agents(session: Session, scope: Scope) -> list[Agent]:
    """The agents of the scope's branch (a renewal list's agent filter)."""
    stmt = select(Agent).join(Wadah).where(scope.branches(Wadah.branch_id))
    return list(session.scalars(stmt.order_by(Agent.agent_code).limit(2000)))


def branch_villages(session: Session, scope: Scope) -> list[tuple[str, str]]:
    codes = select(Worker.village_code).where(scope.workers()).distinct()
    return list(
        session.execute(
            select(Region.code, Region.name).where(Region.code.in_(codes)).order_by(Region.name)
        )
    )

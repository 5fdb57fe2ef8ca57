"""Card batches too large for the request to wait for: printed now, rendered by a job.

The request checks the ids (404 naming every one outside the caller's scope, as a batch printed
at once does), issues or reuses the cards and records the prints in its own transaction, and
queues a `card_batch` job naming the cards in print order. The job only renders: it reads those
cards again and writes the A4 sheets to the shared storage, so running it twice, or on two
workers, prints nothing twice. The QR codes name the address the batch was asked at when no
PERISAI_BASE_URL is set (development), as a batch printed at once does.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perisai import zones
from perisai.api import base_url
from perisai.auth.models import User
from perisai.auth.permissions import Scope
from perisai.cards import keys, operations, render
from perisai.cards.models import Card
from perisai.errors import field_error
from perisai.jobs.models import Job
from perisai.jobs.operations import new_job
from perisai.jobs.runner import Output, work
from perisai.workers.models import Worker

KIND = "card_batch"


def runs_as_job(count: int, prefer_async: bool) -> bool:
    """Whether a batch of `count` cards is a job: only when the client prefers an answer at once
    (`Prefer: respond-async`). Without it a request renders up to CARD_SYNC_MAX (1,000) itself
    and refuses more, as API.md's `POST /cards/print` (≤ 1,000 → a PDF) has always said."""
    if prefer_async:
        return True
    if count > current_app.config.get("CARD_SYNC_MAX", 1000):
        raise field_error("worker_ids", "cards.worker_ids_count")
    return False


def queue_batch(
    session: Session,
    scope: Scope,
    user: User,
    worker_ids: list,
    *,
    with_back: bool,
    request_id: str | None = None,
) -> Job:
    """Print the cards (issue or reuse, record the prints) and the job that renders them."""
    workers = operations.load_printable_workers(session, scope, worker_ids)
    printed = operations.print_cards(session, workers, user=user, batch=True)
    params = {
        "card_ids": [p.card.id for p in printed],
        "back": with_back,
        "base_url": base_url(),
    }
    return new_job(
        session, KIND, user=user, branch_id=scope.branch_id, params=params, request_id=request_id
    )


def batch_faces(session: Session, card_ids: list[int]) -> list[render.CardFace]:
    """The faces of these cards, in this order, as printing them would draw them today."""
    cards: dict[int, Card] = {}
    for start in range(0, len(card_ids), 500):
        stmt = (
            select(Card)
            .where(Card.id.in_(card_ids[start : start + 500]))
            .options(
                selectinload(Card.worker).selectinload(Worker.registered_by),
                selectinload(Card.worker).selectinload(Worker.managed_by),
            )
        )
        cards.update({card.id: card for card in session.scalars(stmt)})
    chosen = [cards[card_id] for card_id in card_ids if card_id in cards]
    labels = operations._occupation_labels(session, [card.worker for card in chosen])
    signer = keys.signer(session)
    return [
        operations.card_face(
            card,
            card.worker,
            operations.printed_data(card.worker, labels[card.worker.occupation]),
            zones.today_of_worker(session, card.worker),
            signer,
        )
        for card in chosen
    ]


@work(KIND)
def render_batch(session: Session, job: Job) -> Output:
    """The batch's A4 sheets (the job's work); one process: the workers are the parallelism."""
    params = job.params
    app = current_app._get_current_object()
    if app.config.get("BASE_URL"):
        faces = batch_faces(session, params["card_ids"])
    else:
        with app.test_request_context(base_url=params["base_url"]):
            faces = batch_faces(session, params["card_ids"])
    pdf = render.render_sheets(faces, with_back=params["back"], processes=1)
    return Output(pdf, f"kartu-{len(faces)}.pdf", "application/pdf")

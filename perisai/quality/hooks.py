"""Checks the registrations and photos a transaction wrote just before it commits, so every way
in (API, outbox, import) is checked alike (perisai.quality.checks), and registers the quality
holds with the commission close."""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from perisai.quality.checks import check_registrations
from perisai.workers.models import Worker, WorkerPhoto

PENDING = "perisai.quality.pending"  # session.info: (new participants, new or changed photos)


@event.listens_for(Session, "after_flush")
def _note(session: Session, flush_context) -> None:
    workers = [obj.id for obj in session.new if isinstance(obj, Worker)]
    photos = [
        obj.worker_id
        for obj in [*session.new, *session.dirty]
        if isinstance(obj, WorkerPhoto) and inspect(obj).attrs.phash.history.has_changes()
    ]
    if workers or photos:
        pending = session.info.setdefault(PENDING, (set(), set()))
        pending[0].update(workers)
        pending[1].update(photos)


@event.listens_for(Session, "before_commit")
def _check(session: Session) -> None:
    if session.in_nested_transaction():
        return
    pending = session.info.pop(PENDING, None)
    if pending:
        session.flush()
        check_registrations(session, pending[0], pending[1])
        session.info.pop(PENDING, None)  # what the checks themselves flushed is no news


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def init_app(app) -> None:
    """Nothing per app: the listeners are on SQLAlchemy's Session class, set on import."""

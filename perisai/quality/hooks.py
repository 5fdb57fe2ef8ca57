"""Checks the registrations and photos a transaction wrote just before it commits, so every way
in (API, outbox, import) is checked alike (perisai.quality.checks), and registers the quality
holds with the commission close."""

from __future__ import annotations

from sqlalchemy import delete, event, exists, inspect, select
from sqlalchemy.orm import Session

from perisai.commissions import reviews
from perisai.quality.checks import check_registrations
from perisai.quality.models import FlaggedWorker, QualityFlag
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


@event.listens_for(Session, "before_flush")
def _leave_flags(session: Session, flush_context, instances) -> None:
    """A participant deleted (an import rolled back) leaves the flags it was in; a flag left
    with nobody goes too."""
    gone = [obj.id for obj in session.deleted if isinstance(obj, Worker)]
    if not gone:
        return
    flags = select(FlaggedWorker.flag_id).where(FlaggedWorker.worker_id.in_(gone))
    emptied = [
        flag_id
        for flag_id in session.scalars(flags.distinct())
        if not session.scalar(
            select(
                exists().where(
                    FlaggedWorker.flag_id == flag_id, FlaggedWorker.worker_id.not_in(gone)
                )
            )
        )
    ]
    session.execute(delete(FlaggedWorker).where(FlaggedWorker.worker_id.in_(gone)))
    if emptied:
        session.execute(delete(QualityFlag).where(QualityFlag.id.in_(emptied)))


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


class _Reviews:
    """The flags a month close asks about (perisai.commissions.reviews)."""

    @staticmethod
    def _in_flag(worker_id, state: str):
        return exists().where(
            FlaggedWorker.worker_id == worker_id,
            QualityFlag.id == FlaggedWorker.flag_id,
            QualityFlag.state == state,
        )

    def under_review(self, worker_id):
        return self._in_flag(worker_id, "open")

    def found_fake(self, worker_id):
        return self._in_flag(worker_id, "confirmed")


def init_app(app) -> None:
    """The listeners are on SQLAlchemy's Session class, set on import; the close's reviews."""
    reviews.register(_Reviews())

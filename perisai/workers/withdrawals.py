"""Processing a consent withdrawal (DOMAIN.md §6: processing stops within 3×24 hours).

Withdrawing consent (`privacy.withdraw_consent`, at the participant's request) records when;
membership itself continues (the contributions already paid cover their months, and the law on
BPJS membership, not consent, governs those records). What rests on consent alone stops:

- the KTP and face photos go (biometric and identity images, kept for enrolment checks and
  face matching only: DOMAIN.md §6 "keep photos only as long as needed"), from the shared
  storage and the old photo folder, and their rows;
- the participant is left out of the reminders of a later issue (they read
  `consent_withdrawn_at`; there is nothing to delete for them here).

Beat runs this hourly (`perisai.workers.process_withdrawals`), well within the 72 hours; a
participant whose photos are gone is not selected again, so a second run changes nothing.
Each processed participant is one audit event ("delete_photo", participant) of the job (the
action fits the audit log's 12 characters).
Erasure of the person (the right to be forgotten) stays the admin's `anonymise`.
"""

from __future__ import annotations

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from perisai.audit.operations import Actor, record_many
from perisai.storage import Storage
from perisai.workers.models import Worker, WorkerPhoto
from perisai.workers.photos import delete_photos

BATCH = 200


def pending_withdrawals(session: Session, limit: int = BATCH) -> list[Worker]:
    """Participants who withdrew consent and whose photos are still held."""
    has_photos = exists().where(WorkerPhoto.worker_id == Worker.id)
    stmt = (
        select(Worker)
        .where(Worker.consent_withdrawn_at.is_not(None), has_photos)
        .order_by(Worker.consent_withdrawn_at, Worker.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def process_withdrawals(session: Session, store: Storage, legacy_folder: str | None) -> int:
    """Stop the consent-based processing of every pending withdrawal (see the module); returns
    how many participants were processed. Commits a batch at a time."""
    processed = 0
    while workers := pending_withdrawals(session):
        ids = [worker.id for worker in workers]
        # Files first: stopped half way, the rows are still there and the next run deletes
        # again (deleting is safe twice); rows first could leave files nothing points to.
        for worker in workers:
            delete_photos(store, worker, legacy_folder)
        session.execute(delete(WorkerPhoto).where(WorkerPhoto.worker_id.in_(ids)))
        record_many(
            session,
            Actor(None, "job consent_withdrawal", job=True),
            [("delete_photo", "participant", worker_id) for worker_id in ids],
        )
        session.commit()
        processed += len(ids)
    return processed

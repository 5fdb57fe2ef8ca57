"""UU PDP No. 27/2022 for one participant: export everything, withdraw consent, anonymise.

Anonymisation overwrites every personal field and deletes the photos, but keeps the row, its
membership number and all payments and ledger entries: the money records stay consistent and
auditable while nothing in them identifies the person any more.
"""

from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.audit.operations import events_for
from perisai.contributions.payments import worker_payments
from perisai.contributions.schemas import PaymentSchema
from perisai.errors import Conflict
from perisai.storage import Storage
from perisai.workers.consent import consent_history, withdraw_all_channels
from perisai.workers.models import Worker, WorkerChange, WorkerPhoto
from perisai.workers.photos import delete_photos

ERASED = "(dihapus)"
PERSONAL_CHANGES = ("phone", "address", "village_code", "beneficiary")


def export_worker(session: Session, worker: Worker, participant: dict) -> dict:
    """Everything held about one participant (the right of access)."""
    photos = session.scalars(select(WorkerPhoto).where(WorkerPhoto.worker_id == worker.id)).all()
    return {
        "participant": participant,
        "message_consents": consent_history(worker),
        "payments": PaymentSchema(many=True).dump(session.scalars(worker_payments(worker))),
        "photos": [
            {
                "kind": p.kind,
                "sha256": p.sha256,
                "size_bytes": p.size_bytes,
                "uploaded_at": p.created_at.isoformat(),
            }
            for p in photos
        ],
        "access_log": [
            {"at": e.at.isoformat(), "user_id": e.user_id, "action": e.action, "route": e.route}
            for e in events_for(session, "participant", str(worker.id))
        ],
        "exported_at": clock.now().isoformat(),
    }


def withdraw_consent(worker: Worker) -> None:
    """Consent withdrawn as a whole: every message channel's consent ends with it."""
    if worker.consent_withdrawn_at is None:
        worker.consent_withdrawn_at = clock.now()
    withdraw_all_channels(worker, worker.consent_withdrawn_at)


def anonymise_worker(
    session: Session, worker: Worker, store: Storage, legacy_photos: str | None = None
) -> None:
    """Erase the person, keep the money. Running it twice is refused (nothing left to erase)."""
    if worker.anonymised_at is not None:
        raise Conflict("workers.already_anonymised")
    # Random, not a hash: a hash of a NIK can be reversed by trying every plausible NIK.
    worker.nik = "X" + secrets.token_hex(8)[:15]
    worker.full_name = ERASED
    worker.birth_date = date(1900, 1, 1)
    worker.phone = ""
    worker.address = ERASED
    worker.beneficiary_name = ERASED
    worker.beneficiary_relationship = ERASED
    worker.beneficiary_phone = None
    worker.lat = worker.lon = worker.accuracy_m = None
    worker.request_hash = "anonymised"
    withdraw_consent(worker)
    worker.anonymised_at = clock.now()
    session.execute(delete(WorkerPhoto).where(WorkerPhoto.worker_id == worker.id))
    # The change history held old phones, addresses and beneficiaries: that they changed and
    # when stays, the values go (income level and programs stay: they price the months).
    history = select(WorkerChange).where(WorkerChange.worker_id == worker.id)
    for change in session.scalars(history):
        change.changes = {
            key: [ERASED, ERASED] if key in PERSONAL_CHANGES else value
            for key, value in change.changes.items()
        }
    delete_photos(store, worker, legacy_photos)

"""Participants registered in BPU before Perisai (PriorRegistration): they never count as a new
participant, so their first payment earns no acquisition fee.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from perisai.commissions.models import PriorRegistration


def mark_previously_registered(session: Session, *, worker, source: str, by=None):
    """The NIK was registered in BPU before: the worker never counts as a new participant."""
    existing = session.get(PriorRegistration, worker.id)
    if existing is not None:
        return existing
    row = PriorRegistration(worker_id=worker.id, source=source, noted_by_id=getattr(by, "id", None))
    session.add(row)
    session.flush()
    return row

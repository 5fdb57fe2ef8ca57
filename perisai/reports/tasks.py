"""The reports' scheduled work: recompute the rollups that changes marked stale.

Reports recompute a stale (branch, month) pair when they read it (`ensure_rollups`); beat does
it ahead, every five minutes, so the first reader after a busy hour does not wait. A second run
finds nothing stale and recomputes nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from perisai.extensions import db
from perisai.jobs.app import celery
from perisai.reports.models import RollupState
from perisai.reports.rollups import refresh_month


def refresh_stale(session) -> int:
    """Recompute every stale pair, a month at a time; how many pairs were recomputed."""
    stale = session.execute(
        select(RollupState.month, RollupState.branch_id).where(RollupState.is_stale.is_(True))
    ).all()
    by_month: dict = {}
    for month, branch_id in stale:
        by_month.setdefault(month, []).append(branch_id)
    refreshed = 0
    for month in sorted(by_month):
        try:
            with session.begin_nested():
                refreshed += refresh_month(session, month, sorted(by_month[month]))
        except IntegrityError:  # a reader refreshed the same pair meanwhile: theirs stands
            pass
        session.commit()
    return refreshed


@celery.task(name="perisai.reports.refresh_rollups")
def refresh_rollups() -> int:
    """Beat: recompute the stale rollups (see the module)."""
    return refresh_stale(db.session)

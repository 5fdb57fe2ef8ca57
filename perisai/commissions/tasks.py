"""The commissions' jobs: each branch's standing check when its month has ended (scheduled),
and statement PDFs asked for with `Prefer: respond-async` (`statement_pdfs.py`, registered here
for the worker).

Beat runs `perisai.commissions.standing_check` every hour; for each branch it checks the month
that ended at the branch's own midnight (WIB, WITA or WIT, from perisai.clock), once: a job row
keyed `standing:<month>:<branch id>` records that it was done, so the next hours (or a second
beat) change nothing. The check itself is idempotent too (flags are unique per month, subject
and kind; only active agents are suspended). What it changes is audited as the CLI's
`perisai standing` is, with the job as its actor.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from perisai import clock
from perisai.agents.models import Branch
from perisai.audit.operations import Actor, record_many
from perisai.commissions import statement_pdfs  # noqa: F401 - registers its jobs' work
from perisai.commissions.standing import check_standing
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.jobs.app import celery
from perisai.jobs.operations import once

log = logging.getLogger(__name__)
KIND = "standing_check"


def check_ended_months(session) -> list[str]:
    """Run the standing check of each branch's month just ended, unless done; the job keys run."""
    done = []
    for branch in session.scalars(select(Branch).order_by(Branch.id)).all():
        month = clock.this_month(branch.time_zone) - 1
        key = f"standing:{month}:{branch.id}"
        job = once(session, KIND, key, branch_id=branch.id)
        if job is None:
            continue
        try:
            result = check_standing(session, month=month, branch_ids=[branch.id])
        except DomainError as error:  # no rule set for that month: nothing to check yet
            session.rollback()
            log.warning("standing check %s skipped: %s", key, error.message)
            continue
        record_many(
            session,
            Actor(None, f"job {KIND}", job=True),
            [
                ("standing", "month", month),
                *(("suspend", "agent", code) for code in result.suspended),
                *(("warn", "agent", code) for code in result.warned),
            ],
        )
        job.state, job.finished_at = "done", clock.now()
        job.result = {
            "month": str(month),
            "warned": len(result.warned),
            "suspended": len(result.suspended),
            "wadahs_below_target": len(result.wadahs_below_target),
        }
        session.commit()
        done.append(key)
    return done


@celery.task(name="perisai.commissions.standing_check")
def standing_check() -> list[str]:
    """Beat: the standing check of every branch whose month has ended (see the module)."""
    return check_ended_months(db.session)

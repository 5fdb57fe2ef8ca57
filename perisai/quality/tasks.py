"""The nightly quality check (beat, `perisai.quality.refresh`): each branch's registration
months are checked again once a day of the branch — this month and the last (bursts, photos
re-uploaded, phones edited) and the month before (a cohort that never renewed shows only then).
A job row keyed `quality:<day>:<branch id>` makes a second beat, or the next hour, a no-op."""

from __future__ import annotations

from sqlalchemy import select

from perisai import clock
from perisai.agents.models import Branch
from perisai.audit.operations import Actor, record_many
from perisai.extensions import db
from perisai.jobs.app import celery
from perisai.jobs.operations import once
from perisai.months import Month
from perisai.quality.checks import refresh_month

KIND = "quality_check"


def check_branches(session) -> list[str]:
    done = []
    for branch in session.scalars(select(Branch).order_by(Branch.id)).all():
        today = clock.today(branch.time_zone)
        key = f"quality:{today}:{branch.id}"
        job = once(session, KIND, key, branch_id=branch.id)
        if job is None:
            continue
        this_month = Month.of(today)
        changed = {
            str(month): refresh_month(session, month, [branch.id], today)
            for month in (this_month - 2, this_month - 1, this_month)
        }
        record_many(session, Actor(None, f"job {KIND}", job=True), [("check", "branch", branch.id)])
        job.state, job.finished_at, job.result = "done", clock.now(), {"changed": changed}
        session.commit()
        done.append(key)
    return done


@celery.task(name="perisai.quality.refresh")
def refresh() -> list[str]:
    """Beat: every branch's registration months checked again, once a branch day."""
    return check_branches(db.session)

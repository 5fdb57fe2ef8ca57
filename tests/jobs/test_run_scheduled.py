"""`flask jobs run-scheduled`: beat's schedule once, in-process, for cron without Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from perisai import clock
from perisai.audit.models import AuditEvent
from perisai.commissions.models import StandingFlag
from perisai.jobs import operations
from perisai.jobs.app import BEAT_SCHEDULE
from perisai.jobs.models import Job
from perisai.reports import tasks as report_tasks
from perisai.reports.models import RollupState
from perisai.storage import storage
from perisai.workers.models import WorkerPhoto
from perisai.workers.privacy import withdraw_consent
from tests import factories
from tests.jobs.conftest import stalled_card_job


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _state(db) -> dict:
    """What the scheduled work changes, to compare one run with the next."""
    db.session.expire_all()
    jobs = db.session.execute(
        select(Job.id, Job.state, Job.attempts, Job.finished_at, Job.result_key).order_by(Job.id)
    ).all()
    return {
        "jobs": jobs,
        "audit": _count(db, AuditEvent),
        "flags": _count(db, StandingFlag),
        "stale": _count(db, RollupState, RollupState.is_stale.is_(True)),
        "photos": _count(db, WorkerPhoto),
        "files": list(storage().list("")),
    }


def _run(app):
    result = app.test_cli_runner().invoke(args=["jobs", "run-scheduled"])
    assert result.exit_code == 0, result.output
    lines = dict(line.split(": ", 1) for line in result.output.splitlines())
    assert set(lines) == set(BEAT_SCHEDULE)
    return lines


@pytest.mark.today("2026-06-01")
def test_run_scheduled_does_every_scheduled_task_once(app, db, org):
    # One thing for each task to do: a stale rollup, a withdrawn consent with its photo, an
    # old generated file, a job whose runner has gone.
    person = factories.make_worker(db.session, org.agent)
    db.session.add(RollupState(branch_id=org.branch.id, month=clock.this_month(), is_stale=True))
    db.session.add(WorkerPhoto(worker_id=person.id, kind="face", sha256="0" * 64, size_bytes=3))
    photo = f"photos/{person.id}/face.jpg"
    storage().put(photo, b"jpg")
    withdraw_consent(person)
    old = operations.new_job(db.session, "card_batch", user=org.supervisor_user)
    old.state, old.result_key = "done", f"generated/card_batch/{old.id}.pdf"
    old.finished_at = clock.now() - operations.KEEP_RESULTS - timedelta(hours=1)
    storage().put(old.result_key, b"%PDF-")
    old_file = old.result_key
    stalled = stalled_card_job(db.session, org)

    first = _run(app)
    assert first["requeue-stalled-jobs"] == "1" and first["refresh-stale-rollups"] == "1"
    assert first["consent-withdrawals"] == "1" and first["clean-up-files"] == "1"
    db.session.expire_all()
    assert db.session.get(Job, stalled.id).state == "done"  # run here, not left to a thread
    assert db.session.get(Job, stalled.id).attempts == 2
    standing = select(Job.key).where(Job.kind == "standing_check", Job.state == "done")
    assert sorted(db.session.scalars(standing)) == sorted(
        f"standing:2026-05:{branch.id}" for branch in (org.branch, org.other_branch)
    )
    assert _count(db, RollupState, RollupState.is_stale.is_(True)) == 0
    assert not storage().exists(photo) and not storage().exists(old_file)
    assert _count(db, AuditEvent, AuditEvent.action == "delete_photo") == 1
    assert "JOBS_EAGER" not in app.config  # the command's own setting only

    after = _state(db)
    second = _run(app)
    assert second["requeue-stalled-jobs"] == "0" and second["standing-check"] == "[]"
    assert second["consent-withdrawals"] == "0" and second["clean-up-files"] == "0"
    assert _state(db) == after


def test_a_failing_task_is_reported_and_the_others_still_run(app, db, org, monkeypatch):
    def broken(session):
        raise RuntimeError("rollups down")

    monkeypatch.setattr(report_tasks, "refresh_stale", broken)
    result = app.test_cli_runner().invoke(args=["jobs", "run-scheduled"])
    assert result.exit_code == 1
    lines = dict(line.split(": ", 1) for line in result.output.splitlines() if ": " in line)
    assert lines["refresh-stale-rollups"].startswith("FAILED")
    assert lines["clean-up-import-files"] == "0"  # the last one ran all the same

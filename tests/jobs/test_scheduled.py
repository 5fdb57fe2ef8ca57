"""The beat tasks' functions: each does its work once; a second run changes nothing more."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from perisai import clock
from perisai.audit.models import AuditEvent
from perisai.commissions.models import StandingFlag
from perisai.commissions.tasks import check_ended_months
from perisai.imports.models import ImportJob
from perisai.imports.tasks import remove_finished_files
from perisai.jobs import operations
from perisai.jobs.models import Job
from perisai.reports.models import RollupState
from perisai.reports.tasks import refresh_stale
from perisai.storage import storage
from perisai.workers.models import WorkerPhoto
from perisai.workers.privacy import withdraw_consent
from perisai.workers.withdrawals import process_withdrawals
from tests import factories


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.mark.today("2026-06-01")
def test_the_standing_check_runs_once_per_branch_and_month(db, org):
    first = check_ended_months(db.session)
    assert sorted(first) == sorted(
        f"standing:2026-05:{branch.id}" for branch in (org.branch, org.other_branch)
    )
    flags = _count(db, StandingFlag)
    assert check_ended_months(db.session) == []
    assert _count(db, StandingFlag) == flags
    assert _count(db, Job, Job.kind == "standing_check", Job.state == "done") == 2


@pytest.mark.today("2026-05-31T23:30:00+07:00")
def test_the_standing_check_waits_for_the_branch_s_own_month_end(db, org):
    # 23:30 WIB on 31 May: May has not ended in WIB; the check done is April's.
    assert all(key.startswith("standing:2026-04:") for key in check_ended_months(db.session))


def test_stale_rollups_are_refreshed_once(db, org):
    factories.make_worker(db.session, org.agent)
    db.session.commit()
    month = clock.this_month()
    db.session.add(RollupState(branch_id=org.branch.id, month=month, is_stale=True))
    db.session.commit()
    assert refresh_stale(db.session) == 1
    assert _count(db, RollupState, RollupState.is_stale.is_(True)) == 0
    assert refresh_stale(db.session) == 0


def test_consent_withdrawals_stop_photo_processing_once(db, org):
    worker = factories.make_worker(db.session, org.agent)
    kept = factories.make_worker(db.session, org.agent)
    for person in (worker, kept):
        db.session.add(WorkerPhoto(worker_id=person.id, kind="face", sha256="0" * 64, size_bytes=3))
        storage().put(f"photos/{person.id}/face.jpg", b"jpg")
    withdraw_consent(worker)
    db.session.commit()
    assert process_withdrawals(db.session, storage(), None) == 1
    assert not storage().exists(f"photos/{worker.id}/face.jpg")
    assert storage().exists(f"photos/{kept.id}/face.jpg")
    assert _count(db, WorkerPhoto, WorkerPhoto.worker_id == worker.id) == 0
    events = _count(db, AuditEvent, AuditEvent.action == "delete_photo")
    assert events == 1
    assert process_withdrawals(db.session, storage(), None) == 0
    assert _count(db, AuditEvent, AuditEvent.action == "delete_photo") == events


def test_old_generated_files_are_removed_once(db, org):
    job = operations.new_job(db.session, "card_batch", user=org.supervisor_user)
    job.state, job.result_key = "done", f"generated/card_batch/{job.id}.pdf"
    job.finished_at = clock.now() - operations.KEEP_RESULTS - timedelta(hours=1)
    storage().put(job.result_key, b"%PDF-")
    db.session.commit()
    key = job.result_key
    assert operations.remove_old_results(db.session) == 1
    assert not storage().exists(key) and job.result_key is None
    assert operations.remove_old_results(db.session) == 0


def test_finished_import_files_are_removed_once(app, db, org):
    key = "imports/" + "a" * 64 + ".csv"
    storage().put(key, b"nik\n")
    job = ImportJob(
        filename="l.csv",
        file_format="csv",
        file_sha256="a" * 64,
        file_path=key,
        size_bytes=4,
        layout={},
        created_by_id=org.supervisor_user.id,
        action="validate",
        mode="valid_only",
        state="validated",
        finished_at=clock.now() - timedelta(days=8),
    )
    db.session.add(job)
    db.session.commit()
    with app.app_context():
        assert remove_finished_files.apply().get() == 1
        assert not storage().exists(key)
        assert remove_finished_files.apply().get() == 0

"""Upgrading from the photo folder: old photos are served until `flask storage migrate` copies
them (and unfinished imports' files) into the storage; nothing is lost on the way."""

from __future__ import annotations

import hashlib

from perisai.auth.models import User
from perisai.extensions import db as _db
from perisai.imports import operations
from perisai.imports.models import ImportJob
from perisai.storage import storage
from perisai.workers.models import WorkerPhoto
from tests.imports.helpers import csv_bytes, rows_of
from tests.storage.conftest import jpeg, login


def test_migrate_copies_old_photos_and_import_files_in(servers, tmp_path):
    first, second, who = servers
    old_photo = tmp_path / "a" / "photos" / str(who.worker_id) / "ktp.jpg"
    old_photo.parent.mkdir(parents=True)
    old_photo.write_bytes(jpeg())
    old_list = tmp_path / "a" / "imports" / "list.csv"
    old_list.parent.mkdir(parents=True)
    content = csv_bytes(rows_of(3, start=8000, agent_code=who.agent_code))
    old_list.write_bytes(content)
    with first.app_context():
        _db.session.add(WorkerPhoto(worker_id=who.worker_id, kind="ktp", sha256="x", size_bytes=1))
        upload = operations.Upload(
            filename="list.csv",
            path=str(old_list),
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )
        user = _db.session.get(User, who.supervisor_id)
        job, _ = operations.submit_import(
            _db.session, user=user, upload=upload, dry_run=True, mode="valid_only", options={}
        )
        _db.session.commit()
        job_id = job.id
    client, _ = login(first, who.agent)
    url = f"/api/v1/workers/{who.worker_id}/photos/ktp"
    assert client.get(url).data == old_photo.read_bytes()  # read from the old folder meanwhile

    result = first.test_cli_runner().invoke(args=["storage", "migrate", "--remove"])
    assert result.exit_code == 0, result.output
    assert "1 photos, 1 import jobs" in result.output
    assert not old_photo.exists() and not old_list.exists()
    with second.app_context():
        job = _db.session.get(ImportJob, job_id)
        assert job.file_path.startswith("imports/") and storage().get(job.file_path) == content
        assert storage().exists(f"photos/{who.worker_id}/ktp.jpg")
    other, _ = login(second, who.agent)
    assert other.get(url).status_code == 200  # now from the storage, on any server
    again = first.test_cli_runner().invoke(args=["storage", "migrate"])
    assert again.exit_code == 0 and "0 photos, 0 import jobs" in again.output

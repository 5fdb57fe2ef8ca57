"""Several app servers, one file storage: what one server stores, another serves, runs, backs
up and restores. Each app is its own `create_app` with its own instance folder and old photo
folder, sharing only the database and the S3 bucket (moto's server), as in a deployment."""

from __future__ import annotations

import io

import boto3
import pytest
from werkzeug.datastructures import FileStorage

from perisai.auth.models import User
from perisai.extensions import db as _db
from perisai.imports import operations, runner
from perisai.imports.models import ImportJob
from perisai.imports.uploads import receive
from perisai.storage import storage
from tests.imports.helpers import csv_bytes, rows_of
from tests.storage.conftest import jpeg, login, make_app, start_moto, stop


def local_files(tmp_path, *names) -> list:
    return [p for name in names for p in (tmp_path / name).rglob("*") if p.is_file()]


def test_a_photo_uploaded_through_one_server_is_served_by_another(servers, tmp_path, bucket):
    first, second, who = servers
    worker_id = who.worker_id
    photo_url = f"/api/v1/workers/{worker_id}/photos/face"
    client_a, csrf_a = login(first, who.agent)
    put = client_a.put(photo_url, data=jpeg(), content_type="image/jpeg", headers=csrf_a)
    assert put.status_code == 204, put.get_json()
    assert local_files(tmp_path, "a", "b") == []  # nothing on either server's disk

    client_b, _ = login(second, who.agent)
    served = client_b.get(photo_url)
    assert served.status_code == 200 and served.data[:2] == b"\xff\xd8"
    with second.app_context():
        assert storage().get(f"photos/{worker_id}/face.jpg") == served.data

    admin_b, admin_csrf = login(second, who.admin)
    gone = admin_b.post(f"/api/v1/workers/{worker_id}/anonymise", headers=admin_csrf)
    assert gone.status_code == 200, gone.get_json()
    with first.app_context():
        assert list(storage().list(f"photos/{worker_id}/")) == []
    assert client_a.get(photo_url).status_code == 404


def test_an_import_saved_by_one_server_is_run_by_another(servers, tmp_path):
    first, second, who = servers
    content = csv_bytes(rows_of(6, start=7000, agent_code=who.agent_code))
    with first.app_context():
        user = _db.session.get(User, who.supervisor_id)
        with receive(FileStorage(io.BytesIO(content), filename="list.csv")) as upload:
            job, created = operations.submit_import(
                _db.session, user=user, upload=upload, dry_run=False, mode="valid_only", options={}
            )
        _db.session.commit()
        job_id, key = job.id, job.file_path
        assert created and key.startswith("imports/") and storage().get(key) == content
    assert local_files(tmp_path, "a") == []  # the temporary copy is gone

    with second.app_context():
        done = runner.run_job(_db.session, job_id)
        assert done.state == "done" and done.imported_rows == 6, done.error
        assert not storage().exists(key)  # personal data: removed once done
        _db.session.remove()
    with first.app_context():
        assert _db.session.get(ImportJob, job_id).state == "done"


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_backup_then_restore_into_an_empty_store_brings_the_objects_back(
    servers, tmp_path, s3_endpoint, kind
):
    first, _second, who = servers
    with first.app_context():
        keys = {
            f"photos/{who.worker_id}/ktp.jpg": jpeg(),
            "generated/cards/batch-1.pdf": b"%PDF-1.7 cards",
            "imports/abc.csv": b"nik,nama\n",
        }
        for key, data in keys.items():
            storage().put(key, data)
    result = first.test_cli_runner().invoke(args=["perisai", "backup", str(tmp_path / "bk")])
    assert result.exit_code == 0, result.output
    assert "objects=3" in result.output

    if kind == "s3":
        empty = f"perisai-restored-{kind}"
        boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
            Bucket=empty
        )
        target_url = f"s3://{empty}/again"
    else:
        target_url = f"file://{tmp_path / 'restored'}"
    restored = make_app(
        tmp_path, "c", first.config["SQLALCHEMY_DATABASE_URI"], target_url, s3_endpoint
    )
    with restored.app_context():
        storage().put("photos/stale/face.jpg", b"not in the backup")
    result = restored.test_cli_runner().invoke(
        args=["perisai", "restore", str(tmp_path / "bk"), "--yes"]
    )
    assert result.exit_code == 0, result.output
    with restored.app_context():
        assert sorted(storage().list()) == sorted(keys)
        assert {key: storage().get(key) for key in keys} == keys
        _db.engine.dispose()


def test_a_damaged_backup_object_is_refused(servers, tmp_path):
    first, _second, _who = servers
    with first.app_context():
        storage().put("generated/x.pdf", b"%PDF good")
    assert (
        first.test_cli_runner().invoke(args=["perisai", "backup", str(tmp_path / "bk")]).exit_code
        == 0
    )
    (tmp_path / "bk" / "objects" / "generated" / "x.pdf").write_bytes(b"%PDF evil")
    result = first.test_cli_runner().invoke(
        args=["perisai", "restore", str(tmp_path / "bk"), "--yes"]
    )
    assert result.exit_code != 0 and "damaged" in str(result.exception)


@pytest.fixture
def strict_s3(aws_credentials, tmp_path):
    """A second S3 server that checks credentials: ours are unknown to it."""
    process, url = start_moto(tmp_path / "strict.log", INITIAL_NO_AUTH_ACTION_COUNT="0")
    yield url
    stop(process)


def test_bad_credentials_give_a_clear_error(app, tmp_path, strict_s3):
    strict = make_app(
        tmp_path, "d", app.config["SQLALCHEMY_DATABASE_URI"], "s3://perisai-files/x", strict_s3
    )
    result = strict.test_cli_runner().invoke(args=["storage", "check"])
    assert result.exit_code != 0
    assert "AWS_ACCESS_KEY_ID" in result.output and "Traceback" not in result.output


def test_a_missing_bucket_and_an_unreachable_server_are_named(app, tmp_path, s3_endpoint):
    missing = make_app(
        tmp_path, "e", app.config["SQLALCHEMY_DATABASE_URI"], "s3://no-such-bucket/x", s3_endpoint
    )
    result = missing.test_cli_runner().invoke(args=["storage", "check"])
    assert result.exit_code != 0 and "PERISAI_STORAGE_URL" in result.output
    nowhere = make_app(
        tmp_path, "f", app.config["SQLALCHEMY_DATABASE_URI"], "s3://b/x", "http://127.0.0.1:9"
    )
    result = nowhere.test_cli_runner().invoke(args=["storage", "check"])
    assert result.exit_code != 0 and "EndpointConnectionError" in result.output

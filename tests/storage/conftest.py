"""A real S3 server for the storage tests (moto's server mode, started once per session as a
subprocess on a free port, spoken to over HTTP by boto3 as MinIO or AWS would be), and two app
servers sharing it and one database (`servers`).

Without moto the S3 tests are skipped, unless `CI` is set: there a missing moto is a failure,
so a CI run never passes by skipping the S3 backend (as PERISAI_REQUIRE_BROWSER does for
Chromium).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from types import SimpleNamespace

import boto3
import pytest
from flask_migrate import upgrade
from PIL import Image

from perisai import create_app
from perisai.extensions import db as _db
from perisai.storage import LocalStorage, S3Storage
from perisai.storage.s3 import reset_clients
from tests import factories
from tests.conftest import FreshContextClient, own_database_url

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "perisai-test",
    "AWS_SECRET_ACCESS_KEY": "perisai-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def _missing(why: str):
    if os.environ.get("CI"):
        pytest.fail(f"moto_server is required in CI: {why}")
    pytest.skip(f"moto_server not available: {why}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_moto(log_path: Path, **env) -> tuple[subprocess.Popen, str]:
    """moto_server on a free port, once it answers HTTP; (process, endpoint URL)."""
    executable = Path(sys.executable).parent / "moto_server"
    if not executable.exists():
        found = shutil.which("moto_server")
        if found is None:
            _missing("no moto_server executable (pip install 'moto[server]')")
        executable = Path(found)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(log_path, "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [str(executable), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **env},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            _missing(f"moto_server exited: {log_path.read_text(errors='replace')[-500:]}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):  # noqa: S310
                break
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    else:
        stop(process)
        _missing("moto_server did not answer within 30 s")
    process.log_file = log
    return process, url


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if log := getattr(process, "log_file", None):
        log.close()


@pytest.fixture(scope="session")
def aws_credentials():
    """Test credentials in the environment, as an operator sets them; put back afterwards."""
    before = {name: os.environ.get(name) for name in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    reset_clients()
    yield CREDENTIALS
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    reset_clients()


@pytest.fixture(scope="session")
def s3_endpoint(aws_credentials, tmp_path_factory):
    """The endpoint URL of a moto_server running for the whole session."""
    process, url = start_moto(tmp_path_factory.mktemp("moto") / "moto.log")
    yield url
    stop(process)


@pytest.fixture
def bucket(s3_endpoint):
    """A new, empty bucket for one test."""
    name = f"perisai-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    yield name
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name):
        for item in page.get("Contents", ()):
            client.delete_object(Bucket=name, Key=item["Key"])
    client.delete_bucket(Bucket=name)


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    """The same contract, once per backend."""
    if request.param == "local":
        return LocalStorage(str(tmp_path / "files"))
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Storage(request.getfixturevalue("bucket"), "perisai/", endpoint_url=endpoint)


def make_app(tmp_path, name: str, url: str, storage_url: str, endpoint: str | None):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "shared-secret",
            "BASE_URL": "http://perisai.test",
            "PHOTO_STORE": str(tmp_path / name / "photos"),
            "STORAGE_URL": storage_url,
            "S3_ENDPOINT_URL": endpoint,
        }
    )
    app.instance_path = str(tmp_path / name)
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture
def servers(app, tmp_path, bucket, s3_endpoint):
    """(server A, server B, who): one database, one bucket, two instance folders; `who` holds
    the org's logins and a participant (plain values: the ORM objects stay with server A)."""
    url = own_database_url(app.config["BACKEND"], tmp_path, "storage")
    shared = f"s3://{bucket}/perisai"
    first = make_app(tmp_path, "a", url, shared, s3_endpoint)
    second = make_app(tmp_path, "b", url, shared, s3_endpoint)
    with first.app_context():
        upgrade()
        org = factories.make_org(_db.session)
        worker = factories.make_worker(_db.session, org.agent)
        _db.session.commit()
        who = SimpleNamespace(
            agent=org.agent_user.username,
            admin=org.admin_user.username,
            supervisor_id=org.supervisor_user.id,
            agent_code=org.agent.agent_code,
            worker_id=worker.id,
        )
    yield first, second, who
    for each in (first, second):
        with each.app_context():
            _db.session.remove()
            _db.engine.dispose()


def login(app, username: str):
    client = app.test_client()
    answer = client.post(
        "/api/v1/auth/login", json={"username": username, "password": factories.PASSWORD}
    )
    assert answer.status_code == 200, answer.get_json()
    return client, {"X-CSRF-Token": answer.get_json()["csrf_token"]}


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()

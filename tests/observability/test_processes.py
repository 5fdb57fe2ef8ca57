"""Several processes: metrics add up across workers (PROMETHEUS_MULTIPROC_DIR), and the
embedded default serves with nothing but Python (no Redis, no configuration)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from benchmarks.load_test import free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv/bin/python")

pytestmark = pytest.mark.slow

# One process of an app server: N requests, its counts written to the shared folder.
WORKER = """
import sys
from perisai import create_app
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
client = app.test_client()
for _ in range(int(sys.argv[2])):
    assert client.get("/healthz").status_code == 200
"""
SCRAPE = """
import sys
from perisai import create_app
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
sys.stdout.write(app.test_client().get("/metrics").get_data(as_text=True))
"""


def clean_environment(**extra) -> dict:
    """This environment without any Perisai, Redis or Prometheus setting, plus `extra`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PERISAI_", "PROMETHEUS_", "REDIS"))
    }
    return {**env, "PYTHONPATH": str(ROOT), **extra}


def healthz_count(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "perisai_http_requests_total" and sample.labels == {
                "method": "GET",
                "route": "/healthz",
                "status": "200",
            }:
                return sample.value
    return 0.0


def test_two_processes_writing_to_one_folder_add_up(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = clean_environment(PROMETHEUS_MULTIPROC_DIR=str(folder))
    url = f"sqlite:///{tmp_path}/app.sqlite3"
    workers = [
        subprocess.Popen([PYTHON, "-c", WORKER, url, str(n)], env=env, cwd=ROOT) for n in (3, 5)
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    scraped = subprocess.run(
        [PYTHON, "-c", SCRAPE, url], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert healthz_count(scraped.stdout) == 8
    # the same folder unset: a process reads only its own registry
    alone = subprocess.run(
        [PYTHON, "-c", SCRAPE, url],
        env=clean_environment(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert healthz_count(alone.stdout) == 0


def wait_for(base: str, path: str = "/healthz", seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if requests.get(base + path, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{base} did not answer")


def get(url: str) -> int:
    return requests.get(url, timeout=10, headers={"Connection": "close"}).status_code


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def test_gunicorn_workers_report_one_total(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    port = free_port()
    env = clean_environment(
        PROMETHEUS_MULTIPROC_DIR=str(folder),
        PERISAI_DATABASE_URL=f"sqlite:///{tmp_path}/app.sqlite3",
        PERISAI_STORAGE_URL=f"file://{tmp_path}/files",
    )
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base)
        before = healthz_count(requests.get(base + "/metrics", timeout=5).text)
        sent = 0
        with ThreadPoolExecutor(8) as pool:  # at once: both workers take some
            for _ in range(5):
                answers = list(pool.map(lambda _: get(base + "/healthz"), range(40)))
                assert answers == [200] * 40
                sent += 40
                if len(list(folder.glob("counter_*.db"))) == 2:
                    break
        assert len(list(folder.glob("counter_*.db"))) == 2  # both workers counted some
        for _ in range(6):  # whichever worker answers the scrape, it reports every worker's
            after = healthz_count(requests.get(base + "/metrics", timeout=5).text)
            assert after - before == sent
    finally:
        stop(server)


def test_the_embedded_default_serves_with_nothing_but_python(tmp_path):
    env = clean_environment(
        PERISAI_DATABASE_URL=f"sqlite:///{tmp_path}/perisai.sqlite3",
        PERISAI_STORAGE_URL=f"file://{tmp_path}/files",
    )
    flask = [PYTHON, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*flask, "run", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base)
        ready = requests.get(base + "/readyz", timeout=5)
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "storage": "ok"}
        login = requests.post(
            base + "/api/v1/auth/login", json={"username": "x", "password": "y"}, timeout=5
        )
        assert login.status_code == 401  # database and the in-memory limiter both answered
        assert requests.get(base + "/api/v1/verify/bogus", timeout=5).status_code == 404
        metrics = requests.get(base + "/metrics", timeout=5).text
        assert healthz_count(metrics) >= 1
    finally:
        stop(server)

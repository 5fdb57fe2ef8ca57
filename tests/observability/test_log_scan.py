"""The log scan fails a run for real: a throwaway pytest run that logs a phone number, a name
and a NIK fails and lists the lines; the same run without them passes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.log_scan import personal_data

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

CONFTEST = """
from tests.log_scan import LogScan


def pytest_configure(config):
    config.pluginmanager.register(LogScan(), "perisai-log-scan")
"""
LEAKY = """
import logging


def test_leaks():
    log = logging.getLogger("perisai.leaky")
    log.warning("called %s", "+6281234567890")
    log.warning("registered Peserta Uji 17")
    log.warning("nik raw " + "33250145" + "07900001")  # the masking factory is not installed here
"""
CLEAN = """
import logging


def test_clean():
    logging.getLogger("perisai.clean").warning("registered participant 42, agent code A-0001")
"""


def run(tmp_path: Path, body: str) -> subprocess.CompletedProcess:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_throwaway.py").write_text(body)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_run_that_logs_personal_data_fails_listing_the_lines(tmp_path):
    result = run(tmp_path, LEAKY)
    assert result.returncode == 1, result.stdout
    assert "1 passed" in result.stdout  # the test itself passed: the scan failed the run
    assert "personal data in the logs" in result.stdout
    assert "3 log line(s)" in result.stdout
    for found in ("+6281234567890", "Peserta Uji 17", "3325014507900001"):
        assert found in result.stdout
    assert "test_throwaway.py::test_leaks" in result.stdout


def test_a_clean_run_passes(tmp_path):
    result = run(tmp_path, CLEAN)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("phone 081234567890 saved", ["081234567890"]),
        ("phone +62 81234567890", ["+62 81234567890"]),
        ("Agen 12 logged in", ["Agen 12"]),
        ("nik 3325********0001 masked", []),
        ('{"request_id": "fb8416316bb54e09a6ca0e2f627466a0", "duration_ms": 12.5}', []),
        ("GET /api/v1/workers/<worker_id> 200 3.1 ms", []),
    ],
)
def test_what_the_scan_finds(line, found):
    assert personal_data(line) == found

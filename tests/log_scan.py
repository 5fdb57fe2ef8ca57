"""The log scan (issue 19): no NIK, phone number or participant/agent name in any log line.

A pytest plugin (registered by tests/conftest.py) that attaches one handler to the root logger
for the whole session, formats every record the run logs (message, traceback and request id,
as the JSON log would write them) and keeps each line that holds a 16-digit run (a NIK), an
Indonesian mobile number (+62 8…, 62 8…, 08…) or a name the factories give participants and
agents (`Peserta 12`, `Peserta Uji 7`, `Agen 3`). At the end of the session the run fails,
listing the offending lines and the tests that logged them. Only this process's records are
scanned: a server or CLI a test starts logs to its own files.
"""

from __future__ import annotations

import logging
import re

import pytest

from perisai.observability.logs import JsonFormatter
from perisai.observability.request_ids import PERSONAL

FACTORY_NAMES = re.compile(r"\b(?:Peserta(?: Uji)?|Agen) \d+\b")
SHOWN = 50  # offending lines listed at most


def personal_data(line: str) -> list[str]:
    """What in `line` reads as a NIK, a phone number or a factory-made name."""
    return [m.group(0) for m in PERSONAL.finditer(line)] + FACTORY_NAMES.findall(line)


class _ScanningHandler(logging.Handler):
    def __init__(self, scan: LogScan):
        super().__init__(logging.NOTSET)
        self.scan = scan
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:  # noqa: BLE001 - a record logging cannot format is no finding
            return
        if found := personal_data(line):
            self.scan.offences.append((self.scan.current_test, found, line))


class LogScan:
    """The plugin: one handler for the session, a verdict at its end."""

    def __init__(self):
        self.offences: list[tuple[str, list[str], str]] = []
        self.current_test = "(collection)"
        self.handler = _ScanningHandler(self)
        logging.getLogger().addHandler(self.handler)

    def pytest_runtest_logstart(self, nodeid, location):
        self.current_test = nodeid

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        logging.getLogger().removeHandler(self.handler)
        if self.offences and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if not self.offences:
            return
        terminalreporter.section("personal data in the logs", sep="=", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(self.offences)} log line(s) hold a NIK, phone number or name:", red=True
        )
        for test, found, line in self.offences[:SHOWN]:
            terminalreporter.write_line(f"{test}: {', '.join(found)}: {line}")

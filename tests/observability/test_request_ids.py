"""Request ids: on the response, on every log record of the request, carried into jobs."""

from __future__ import annotations

import json
import logging
import re
import sys
from types import SimpleNamespace

import pytest

from perisai import create_app
from perisai.observability import request_id, tasks
from perisai.observability.logs import JsonFormatter, TextFormatter, log_format
from perisai.observability.request_ids import HEADER, accepted, bound, new_id


def test_a_request_gets_an_id_and_its_log_lines_carry_it(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/healthz")
    given = response.headers[HEADER]
    assert re.fullmatch(r"[0-9a-f]{32}", given)
    (access,) = [r for r in caplog.records if r.name == "perisai.access"]
    assert access.request_id == given and access.route == "/healthz" and access.status == 200


def test_a_well_formed_incoming_id_is_kept(client, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get("/healthz", headers={HEADER: "nginx-7f3a.01"})
    assert response.headers[HEADER] == "nginx-7f3a.01"
    assert {r.request_id for r in caplog.records if r.name == "perisai.access"} == {"nginx-7f3a.01"}


@pytest.mark.parametrize(
    "incoming", ["", "a b", "x" * 129, "<script>", "3325014507900001", "id-081234567890"]
)
def test_a_malformed_or_personal_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={HEADER: incoming})
    assert response.headers[HEADER] != incoming
    assert accepted(response.headers[HEADER])


def test_every_record_of_the_request_carries_the_id(tmp_path, caplog):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    seen = []

    @app.route("/_test/logs-a-line")
    def logs_a_line():
        logging.getLogger("perisai.test").warning("inside the view")
        seen.append(request_id())
        return "ok"

    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/_test/logs-a-line", headers={HEADER: "abc-123"})
    assert response.headers[HEADER] == "abc-123" and seen == ["abc-123"]
    (line,) = [r for r in caplog.records if r.name == "perisai.test"]
    assert line.request_id == "abc-123"


def test_outside_a_request_the_bound_id_is_logged(caplog):
    assert request_id() is None
    with caplog.at_level(logging.INFO), bound("job-42") as given:
        logging.getLogger("perisai.test").info("in a job")
    assert given == "job-42" and caplog.records[-1].request_id == "job-42"
    assert request_id() is None


def test_generated_ids_never_read_as_personal_data():
    assert all(accepted(new_id()) for _ in range(2000))


def test_the_id_travels_in_task_headers_into_the_worker(app, caplog):
    headers = {}
    with app.test_request_context(headers={HEADER: "req-from-phone"}):
        tasks.carry_request_id(headers=headers)
    assert headers == {"request_id": "req-from-phone"}
    # in the worker: no request, the message's header is the id while the task runs
    task = SimpleNamespace(request=SimpleNamespace(request_id="req-from-phone", headers=None))
    tasks.adopt_request_id(task_id="t1", task=task)
    try:
        with caplog.at_level(logging.INFO):
            logging.getLogger("perisai.jobs.test").info("running")
        assert request_id() == "req-from-phone"
        assert caplog.records[-1].request_id == "req-from-phone"
    finally:
        tasks.drop_request_id(task_id="t1")
    assert request_id() is None
    # a scheduled task, queued by no request, gets an id of its own
    tasks.adopt_request_id(task_id="t2", task=SimpleNamespace(request=SimpleNamespace()))
    try:
        assert accepted(request_id())
    finally:
        tasks.drop_request_id(task_id="t2")


def test_json_lines_and_text_lines():
    record = logging.getLogger("perisai.test").makeRecord(
        "perisai.test", logging.ERROR, __file__, 1, "failed for %s", ("3325014507900001",), None
    )
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "ERROR" and line["logger"] == "perisai.test"
    assert line["message"] == "failed for 3325********0001" and line["request_id"] == "-"
    try:
        raise ValueError("nik 3325014507900001")
    except ValueError:
        record.exc_info = sys.exc_info()
    assert "3325014507900001" not in JsonFormatter().format(record)
    assert "3325014507900001" not in TextFormatter().format(record)
    assert "[-]" in TextFormatter().format(record)


def test_json_in_production_text_in_development():
    assert log_format({"ENV_NAME": "production"}) == "json"
    assert log_format({"ENV_NAME": "development"}) == "text"
    assert log_format({"ENV_NAME": "development", "LOG_FORMAT": "json"}) == "json"

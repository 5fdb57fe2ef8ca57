"""No NIK in any log line, whatever logs it (UU PDP)."""

import logging

from perisai import mask_niks
from tests.factories import worker_payload


def test_sixteen_digit_runs_are_masked():
    assert mask_niks("GET /api/v1/workers?q=3325014507900001 HTTP/1.1") == (
        "GET /api/v1/workers?q=3325********0001 HTTP/1.1"
    )


def test_longer_digit_runs_are_left_alone():
    assert mask_niks("id 12345678901234567") == "id 12345678901234567"


def test_every_logger_masks_once_the_app_exists(app, caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("gunicorn.access").info("GET /x?nik=%s", "3325014507900001")
    assert "3325014507900001" not in caplog.text and "3325********0001" in caplog.text


def test_registration_and_search_leave_no_nik_in_the_logs(as_agent, org, caplog):
    body = worker_payload()
    with caplog.at_level(logging.DEBUG):
        as_agent.post("/api/v1/workers", json=body)
        as_agent.get("/api/v1/workers", query_string={"q": body["nik"]})
        as_agent.post("/api/v1/workers", json=body)  # the 409 path
        logging.getLogger("perisai.test").info("looked up %s", body["nik"])
    assert body["nik"] not in caplog.text
    assert "looked up " + body["nik"][:4] + "********" in caplog.text

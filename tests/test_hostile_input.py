"""Bodies the API must refuse cleanly: never a 500, always the error shape, nothing stored."""

import uuid

import pytest
from sqlalchemy import func, select

from perisai.i18n import t
from perisai.workers.models import Worker
from tests.factories import worker_payload


def _workers(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Worker))


def assert_error_shape(response, status):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert set(response.get_json()) >= {"code", "status", "message", "errors"}


def test_oversized_body_is_413(as_agent, org):
    big = b'{"nik": "' + b"1" * (9 * 1024 * 1024) + b'"}'
    response = as_agent.post("/api/v1/workers", data=big, content_type="application/json")
    assert_error_shape(response, 413)


def test_deeply_nested_json_is_400(as_agent, org):
    deep = "[" * 200_000 + "]" * 200_000
    response = as_agent.post("/api/v1/workers", data=deep, content_type="application/json")
    assert_error_shape(response, 400)


def test_malformed_utf8_is_400(as_agent, org):
    response = as_agent.post(
        "/api/v1/workers", data=b'{"full_name": "\xff\xfe"}', content_type="application/json"
    )
    assert_error_shape(response, 400)


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain"])
def test_wrong_content_type_is_415(as_agent, org, content_type):
    response = as_agent.post("/api/v1/workers", data="nik=1", content_type=content_type)
    assert_error_shape(response, 415)


@pytest.mark.parametrize("body", ["[]", '"text"', "null", "42"])
def test_json_that_is_not_an_object_is_422(as_agent, org, body):
    response = as_agent.post("/api/v1/workers", data=body, content_type="application/json")
    assert_error_shape(response, 422)


def test_huge_strings_in_fields_are_422_not_500(as_agent, org, db):
    response = as_agent.post("/api/v1/workers", json=worker_payload(full_name="A" * 100_000))
    assert_error_shape(response, 422)
    assert _workers(db) == 0


@pytest.mark.parametrize(
    "field, value, token",
    [
        ("full_name", "Ani\x00Suryani", "field.control_characters"),
        ("full_name", "Ani\x07Suryani", "field.control_characters"),
        ("address", "Jl. Pantai\x00 7", "field.control_characters"),
        ("full_name", "Ani\u202eSuryani", "field.format_characters"),
    ],
)
def test_nul_bytes_and_control_characters_are_refused_and_nothing_stored(
    as_agent, org, db, field, value, token
):
    before = _workers(db)
    response = as_agent.post("/api/v1/workers", json=worker_payload(**{field: value}))
    assert_error_shape(response, 422)
    assert response.get_json()["errors"] == {"json": {field: [t(token)]}}
    assert _workers(db) == before


@pytest.mark.parametrize("value", ["Ani\nSuryani", "Ani\tSuryani", "Ani\r\nSuryani"])
def test_line_breaks_and_tabs_in_a_name_are_stored_as_one_space(as_agent, org, db, value):
    response = as_agent.post("/api/v1/workers", json=worker_payload(full_name=value))
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    stored = db.session.get(Worker, uuid.UUID(response.get_json()["id"]))
    assert stored.full_name == response.get_json()["full_name"] == "Ani Suryani"


def test_huge_integer_is_422(as_agent, org, db):
    response = as_agent.post("/api/v1/workers", json=worker_payload(income_level=10**40))
    assert_error_shape(response, 422)
    assert _workers(db) == 0


def test_ten_thousand_item_list_is_refused_quickly(as_agent, org, db):
    response = as_agent.post("/api/v1/workers", json=worker_payload(programs=["JKK"] * 10_000))
    assert_error_shape(response, 422)
    assert _workers(db) == 0

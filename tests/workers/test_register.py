"""POST /api/v1/workers: the contract of API.md, field errors, duplicates, idempotency."""

import uuid

import pytest
from sqlalchemy import func, select

from perisai.workers.membership import is_valid_membership_number
from perisai.workers.models import Worker
from tests.factories import valid_nik, worker_payload


def count_workers(db):
    return db.session.scalar(select(func.count()).select_from(Worker))


def test_register_returns_the_participant(as_agent, org):
    body = worker_payload(female=True)
    response = as_agent.post("/api/v1/workers", json=body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert is_valid_membership_number(data["membership_number"])
    assert data["status"] == "registered" and data["covered_until"] is None
    assert data["nik"] == body["nik"]
    assert data["nik_masked"] == body["nik"][:4] + "********" + body["nik"][12:]
    assert data["phone"] == "+62" + body["phone"][1:]
    assert data["programs"] == ["JKK", "JKM"]
    assert data["sector"] == "other" and data["funding"] == "self"
    assert data["registered_by"] == data["managed_by"] == org.agent.agent_code
    assert data["consent"]["given"] is True and data["consent"]["notice_version"] == "2026-01"


def test_client_generated_id_is_kept(as_agent, org):
    worker_id = str(uuid.uuid4())
    response = as_agent.post("/api/v1/workers", json=worker_payload(id=worker_id))
    assert response.status_code == 201 and response.get_json()["id"] == worker_id


def test_transport_occupation_sets_the_sector(as_agent, org):
    response = as_agent.post(
        "/api/v1/workers",
        json=worker_payload(occupation="ojek_online", programs=["JKK", "JKM", "JHT"]),
    )
    assert response.get_json()["sector"] == "transport"
    assert response.get_json()["programs"] == ["JKK", "JKM", "JHT"]


def test_same_id_same_content_is_idempotent(as_agent, org, db):
    body = worker_payload(id=str(uuid.uuid4()))
    first = as_agent.post("/api/v1/workers", json=body)
    again = as_agent.post("/api/v1/workers", json=body)
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["membership_number"] == first.get_json()["membership_number"]
    assert count_workers(db) == 1


def test_same_id_different_content_is_409(as_agent, org, db):
    body = worker_payload(id=str(uuid.uuid4()))
    as_agent.post("/api/v1/workers", json=body)
    response = as_agent.post("/api/v1/workers", json={**body, "full_name": "Orang Lain"})
    assert response.status_code == 409
    assert "id" in response.get_json()["errors"]["json"]
    assert count_workers(db) == 1


def test_same_nik_is_409_with_number_for_who_may_see_it(as_agent, as_agent2, as_supervisor, org):
    body = worker_payload()
    number = as_agent.post("/api/v1/workers", json=body).get_json()["membership_number"]
    again = worker_payload(nik=body["nik"], phone="081311112222")
    own = as_agent.post("/api/v1/workers", json=again)
    assert own.status_code == 409
    assert own.get_json()["errors"]["json"]["nik"] == ["NIK sudah terdaftar."]
    assert own.get_json()["membership_number"] == number
    other = as_agent2.post("/api/v1/workers", json=again)
    assert other.status_code == 409 and "membership_number" not in other.get_json()
    assert (
        as_supervisor.post(
            "/api/v1/workers", json={**again, "agent_code": org.agent2.agent_code}
        ).get_json()["membership_number"]
        == number
    )


def test_consent_not_given_is_refused(as_agent, org, db):
    body = worker_payload(consent={"given": False, "notice_version": "2026-01"})
    response = as_agent.post("/api/v1/workers", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["consent"]["given"] == [
        "Peserta harus memberikan persetujuan pemrosesan data."
    ]
    assert count_workers(db) == 0


@pytest.mark.parametrize(
    "overrides, field, message_en",
    [
        ({"nik": "332501050790001"}, "nik", "NIK must have 16 digits."),
        ({"nik": "33250105079O0001"}, "nik", "NIK may contain digits only."),
        ({"nik": "3325010513900001"}, "nik", "Birth month in the NIK is invalid (01–12)."),
        ({"nik": "3325010507900000"}, "nik", "The NIK serial (last 4 digits) may not be 0000."),
        ({"gender": "F"}, "nik", "Gender does not match the NIK (day +40 for women)."),
        ({"birth_date": "1990-07-06"}, "nik", "Birth date does not match the NIK."),
        ({"phone": "12345"}, "phone", "Phone must be 08… or +62… (9–13 digits)."),
        ({"occupation": "astronot"}, "occupation", "Unknown occupation."),
        (
            {"income_level": 1_050_000},
            "income_level",
            "Income level is not one of the levels in force.",
        ),
        ({"programs": ["JKK"]}, "programs", "Programs must be JKK+JKM or JKK+JKM+JHT."),
        (
            {"programs": ["JKK", "JKM", "JP"]},
            "programs",
            "Programs must be JKK+JKM or JKK+JKM+JHT.",
        ),
        (
            {"village_code": "33.25.01"},
            "village_code",
            "Village code must look like PP.KK.CC.VVVV.",
        ),
        ({"village_code": "33.25.01.9999"}, "village_code", "Unknown village code."),
        ({"gender": "X"}, "gender", "Must be one of: M, F."),
        ({"income_level": "1000000"}, "income_level", "Not a valid integer."),
        ({"birth_date": "05-07-1990"}, "birth_date", "Date must be YYYY-MM-DD."),
        ({"funding": "apbx"}, "funding", "Must be one of: self, apbn, apbd, apbdes, csr."),
        ({"extra": 1}, "extra", "Unknown field."),
    ],
)
def test_each_field_has_a_specific_error_and_nothing_is_stored(
    as_agent, org, db, overrides, field, message_en
):
    response = as_agent.post(
        "/api/v1/workers", json=worker_payload(**overrides), headers={"Accept-Language": "en"}
    )
    assert response.status_code == 422, response.get_json()
    assert message_en in response.get_json()["errors"]["json"][field]
    assert count_workers(db) == 0


def test_missing_fields_are_listed_together(as_agent, org):
    response = as_agent.post("/api/v1/workers", json={"nik": valid_nik()})
    errors = response.get_json()["errors"]["json"]
    assert {"full_name", "birth_date", "gender", "phone", "occupation", "consent"} <= set(errors)
    assert errors["full_name"] == ["Wajib diisi."]


def test_unknown_province_prefix_is_a_warning(as_agent, org):
    body = worker_payload(nik="99" + valid_nik()[2:])
    response = as_agent.post("/api/v1/workers", json=body)
    assert response.status_code == 201
    assert [w["code"] for w in response.get_json()["warnings"]] == ["nik_province_unknown"]


def test_likely_duplicate_is_a_warning(as_agent, org):
    first = worker_payload()
    as_agent.post("/api/v1/workers", json=first)
    # same phone and birth date, another NIK: probably the same person typed twice
    response = as_agent.post(
        "/api/v1/workers", json=worker_payload(phone=first["phone"], full_name="Budi")
    )
    assert response.status_code == 201
    warning = response.get_json()["warnings"][0]
    assert warning["code"] == "possible_duplicate" and warning["membership_number"]


def test_similar_name_same_birth_date_same_village_is_a_warning(as_agent, org):
    as_agent.post("/api/v1/workers", json=worker_payload(full_name="Muhammad Rizki"))
    response = as_agent.post("/api/v1/workers", json=worker_payload(full_name="Muhamad Rizky"))
    assert [w["code"] for w in response.get_json()["warnings"]] == ["possible_duplicate"]


def test_suspended_agent_cannot_register(as_agent, org, db):
    org.agent.status = "suspended"
    db.session.commit()
    response = as_agent.post("/api/v1/workers", json=worker_payload())
    assert response.status_code == 403
    assert count_workers(db) == 0


def test_supervisor_registers_for_an_agent_of_the_branch(as_supervisor, org):
    ok = as_supervisor.post(
        "/api/v1/workers", json=worker_payload(agent_code=org.agent2.agent_code)
    )
    assert ok.status_code == 201 and ok.get_json()["managed_by"] == org.agent2.agent_code
    foreign = as_supervisor.post(
        "/api/v1/workers", json=worker_payload(agent_code=org.other_agent.agent_code)
    )
    assert foreign.status_code == 422 and "agent_code" in foreign.get_json()["errors"]["json"]


def test_not_logged_in_is_401(client, org):
    assert client.post("/api/v1/workers", json=worker_payload()).status_code == 401

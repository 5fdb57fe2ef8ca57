"""Registering an employer and its workers (API.md "Employers (PU)"): the contract, the
identifiers' shapes, dedup on NIB and NPWP, the likely duplicate by name and village, replays,
scope, and a NIK that is a BPU participant's too."""

from __future__ import annotations

import uuid

import pytest

from perisai.employers.names import name_key
from perisai.workers.membership import is_valid_membership_number
from tests.employers.helpers import add_worker, employee_payload, employer_payload, register
from tests.factories import worker_payload


def test_an_agent_registers_a_business_and_gets_a_registration_number(as_agent, org):
    body = employer_payload(npwp="01.234.567.8-901.000", phone="(0285) 391234")
    response = as_agent.post("/api/v1/employers", json=body)
    assert response.status_code == 201, response.get_json()
    employer = response.get_json()
    assert is_valid_membership_number(employer["registration_number"])
    assert employer["id"] == body["id"]
    assert employer["npwp"] == "0012345678901000"  # 15 digits are kept as 16 (leading 0)
    assert employer["phone"] == "+62285391234"
    assert employer["regency_code"] == "33.25"
    assert employer["managed_by"] == org.agent.agent_code
    assert (employer["workers"], employer["warnings"]) == (0, [])


def test_the_same_id_resent_is_the_same_employer_and_other_content_is_refused(as_agent, org):
    body = employer_payload()
    first = as_agent.post("/api/v1/employers", json=body).get_json()
    again = as_agent.post("/api/v1/employers", json=body)
    assert again.status_code == 200
    assert again.get_json()["registration_number"] == first["registration_number"]
    changed = as_agent.post("/api/v1/employers", json={**body, "name": "Lain Lagi"})
    assert changed.status_code == 409
    assert changed.get_json()["errors"]["json"]["id"]
    assert len(as_agent.get("/api/v1/employers").get_json()) == 1


def test_a_nib_or_npwp_registered_already_is_a_409_naming_the_field(
    as_agent, as_other_branch_agent, org
):
    first = register(as_agent, nib="9120000000777", npwp="012345678901000")
    same_nib = as_agent.post("/api/v1/employers", json=employer_payload(nib="9120000000777"))
    assert same_nib.status_code == 409
    body = same_nib.get_json()
    assert list(body["errors"]["json"]) == ["nib"]
    assert (body["existing_visible"], body["employer_id"]) == (True, first["id"])
    assert body["registration_number"] == first["registration_number"]
    # the 16-digit form of the same NPWP is the same NPWP
    same_npwp = as_agent.post("/api/v1/employers", json=employer_payload(npwp="0012345678901000"))
    assert list(same_npwp.get_json()["errors"]["json"]) == ["npwp"]
    # another branch's agent learns only whom to ask
    elsewhere = as_other_branch_agent.post(
        "/api/v1/employers",
        json=employer_payload(nib="9120000000777", village_code="33.75.01.1001"),
    ).get_json()
    assert elsewhere["existing_visible"] is False
    assert "employer_id" not in elsewhere and "registration_number" not in elsewhere
    assert elsewhere["ask_branch"] == org.other_branch.name


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nib", "912000000077"),  # 12 digits
        ("nib", "91200000007x7"),
        ("npwp", "01234567890100"),  # 14 digits
        ("npwp", "12345678901234567"),  # 17
        ("phone", "12345"),
        ("village_code", "33.25.01.9999"),
        ("village_code", "3325012001"),
    ],
)
def test_identifiers_phone_and_village_are_checked_for_shape(as_agent, org, field, value):
    response = as_agent.post("/api/v1/employers", json=employer_payload(**{field: value}))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == [field]


def test_every_problem_is_reported_at_once_and_nothing_is_stored(as_agent, org):
    body = employer_payload(nib="1", npwp="2", phone="3", size="huge", risk_group=6)
    response = as_agent.post("/api/v1/employers", json=body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"size", "risk_group"}
    response = as_agent.post("/api/v1/employers", json={**body, "size": "micro", "risk_group": 5})
    assert set(response.get_json()["errors"]["json"]) == {"nib", "npwp", "phone"}
    assert as_agent.get("/api/v1/employers").get_json() == []


def test_nib_and_npwp_are_optional(as_agent, org):
    employer = register(as_agent, nib=None, npwp=None)
    assert (employer["nib"], employer["npwp"]) == (None, None)
    register(as_agent, nib=None, npwp=None, name="Usaha Lain Sekali")  # no clash on NULL


def test_a_very_similar_name_in_the_same_village_is_a_warning(as_agent, as_agent2, org):
    first = register(as_agent, name="PT. Maju Jaya Abadi")
    typed_again = as_agent.post(
        "/api/v1/employers", json=employer_payload(name="Maju Jaya Abadi, CV")
    )
    assert typed_again.status_code == 201
    [warning] = typed_again.get_json()["warnings"]
    assert warning["code"] == "possible_duplicate"
    assert warning["registration_number"] == first["registration_number"]
    # another agent is warned too, without the number of an employer it may not see
    hidden = as_agent2.post(
        "/api/v1/employers", json=employer_payload(name="Maju Jaya Abadi")
    ).get_json()["warnings"]
    assert [w["registration_number"] for w in hidden] == [None, None]
    other_village = employer_payload(name="Maju Jaya Abadi", village_code="33.25.02.2002")
    assert as_agent.post("/api/v1/employers", json=other_village).get_json()["warnings"] == []


def test_name_keys_drop_case_punctuation_and_legal_forms():
    assert name_key("PT. MAJU-JAYA Abadi, Tbk") == "maju jaya abadi"
    assert name_key("CV Sumber Rejeki") == name_key("Sumber Rejeki, CV.") == "sumber rejeki"
    assert name_key("PT") == "pt"  # a name of a legal form alone keeps it


def test_a_supervisor_registers_for_the_branch_office_and_an_admin_names_the_agent(
    as_supervisor, as_admin, org
):
    at_branch = register(as_supervisor)
    assert at_branch["managed_by"] is None
    refused = as_admin.post("/api/v1/employers", json=employer_payload())
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["json"]["agent_code"]
    named = register(as_admin, agent_code=org.agent2.agent_code)
    assert named["managed_by"] == org.agent2.agent_code


def test_employers_are_seen_by_their_agent_and_branch_only(
    as_agent, as_agent2, as_supervisor, as_other_supervisor, as_other_branch_agent, org
):
    employer = register(as_agent)
    url = f"/api/v1/employers/{employer['id']}"
    assert as_agent.get(url).status_code == 200
    assert as_supervisor.get(url).status_code == 200
    for outsider in (as_agent2, as_other_supervisor, as_other_branch_agent):
        assert outsider.get(url).status_code == 404
        assert outsider.get(f"{url}/workers").status_code == 404
        assert outsider.get(f"{url}/quote").status_code == 404
        assert outsider.post(f"{url}/workers", json=employee_payload()).status_code == 404
        assert outsider.get("/api/v1/employers").get_json() == []
    assert as_agent.get(f"/api/v1/employers/{uuid.uuid4()}").status_code == 404
    assert as_agent.get("/api/v1/employers/not-an-id").status_code == 404


def test_the_list_searches_name_and_identifiers(as_agent, org):
    one = register(as_agent, name="Toko Sinar Terang", nib="9120000001234")
    register(as_agent, name="Bengkel Jaya")
    by = lambda q: [e["id"] for e in as_agent.get(f"/api/v1/employers?q={q}").get_json()]  # noqa: E731
    assert by("sinar") == [one["id"]]
    assert by("9120000001234") == [one["id"]]
    assert by(one["registration_number"]) == [one["id"]]
    assert len(by("")) == 2


@pytest.mark.today("2026-06-15")
def test_workers_are_added_once_and_a_bpu_participant_is_shown_and_allowed(as_agent, org):
    employer = register(as_agent)
    url = f"/api/v1/employers/{employer['id']}/workers"
    plain = add_worker(as_agent, employer["id"], wage=4_200_000)
    assert (plain["bpu_participant"], plain["warnings"], plain["wage"]) == (False, [], 4_200_000)
    assert plain["nik_masked"].count("*") == 8
    participant = as_agent.post("/api/v1/workers", json=worker_payload()).get_json()
    both = as_agent.post(url, json=employee_payload(nik=participant["nik"], full_name="Dua Kali"))
    assert both.status_code == 201
    body = both.get_json()
    assert body["bpu_participant"] is True
    assert [(w["code"], w["membership_number"]) for w in body["warnings"]] == [
        ("also_bpu", participant["membership_number"])
    ]
    twice = as_agent.post(url, json=employee_payload(nik=participant["nik"]))
    assert twice.status_code == 409
    assert twice.get_json()["errors"]["json"]["nik"]
    listed = as_agent.get(url).get_json()
    assert sorted(w["bpu_participant"] for w in listed) == [False, True]
    assert as_agent.get(f"/api/v1/employers/{employer['id']}").get_json()["workers"] == 2


@pytest.mark.today("2026-06-15")
def test_a_worker_resent_is_the_same_one_and_the_nik_rules_are_the_participants(as_agent, org):
    employer = register(as_agent)
    url = f"/api/v1/employers/{employer['id']}/workers"
    body = employee_payload()
    first = as_agent.post(url, json=body)
    again = as_agent.post(url, json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    wrong_gender = as_agent.post(url, json=employee_payload(gender="F"))
    assert wrong_gender.status_code == 422
    assert wrong_gender.get_json()["errors"]["json"]["nik"]
    assert as_agent.post(url, json=employee_payload(nik="123")).status_code == 422
    assert as_agent.post(url, json=employee_payload(wage=0)).status_code == 422


@pytest.mark.today("2026-06-15")
def test_the_same_person_may_work_for_two_employers(as_agent, org):
    first, second = register(as_agent), register(as_agent)
    body = employee_payload()
    add_worker(as_agent, first["id"], **{k: body[k] for k in ("nik", "full_name")})
    other = as_agent.post(
        f"/api/v1/employers/{second['id']}/workers",
        json={**employee_payload(), "nik": body["nik"]},
    )
    assert other.status_code == 201
    assert [w["code"] for w in other.get_json()["warnings"]] == ["other_employer"]


@pytest.mark.today("2026-06-15")
def test_agents_register_employers_and_workers_offline_through_the_outbox(as_agent, org):
    employer = employer_payload()
    worker = {**employee_payload(), "employer_id": employer["id"]}
    operations = [
        {"op_id": str(uuid.uuid4()), "type": "employer.register", "payload": employer},
        {"op_id": str(uuid.uuid4()), "type": "employer.worker", "payload": worker},
        {"op_id": str(uuid.uuid4()), "type": "employer.worker", "payload": employee_payload()},
    ]
    operations[2]["payload"]["employer_id"] = employer["id"]
    results = as_agent.post("/api/v1/sync", json={"operations": operations}).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "applied"]
    assert results[0]["entity"]["registration_number"]
    assert results[1]["entity"]["employer_id"] == employer["id"]
    replay = as_agent.post("/api/v1/sync", json={"operations": operations}).get_json()["results"]
    assert [r["status"] for r in replay] == ["duplicate"] * 3
    assert replay[0]["entity"]["workers"] == 2
    stored = as_agent.get(f"/api/v1/employers/{employer['id']}/workers").get_json()
    assert len(stored) == 2


def test_an_outbox_worker_for_an_unknown_employer_is_rejected_alone(as_agent, org):
    bad = {**employee_payload(), "employer_id": str(uuid.uuid4())}
    missing = employee_payload()
    operations = [
        {"op_id": str(uuid.uuid4()), "type": "employer.worker", "payload": bad},
        {"op_id": str(uuid.uuid4()), "type": "employer.worker", "payload": missing},
        {"op_id": str(uuid.uuid4()), "type": "employer.register", "payload": employer_payload()},
    ]
    results = as_agent.post("/api/v1/sync", json={"operations": operations}).get_json()["results"]
    assert [(r["status"], r["http_status"]) for r in results] == [
        ("rejected", 404),
        ("rejected", 422),
        ("applied", 201),
    ]
    assert results[1]["errors"]["json"]["employer_id"]

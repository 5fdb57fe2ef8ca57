"""A NIK registered already: the 409 tells a caller who may see the participant where it is, and
anyone else that another agent holds it and which branch office to ask (issue 16)."""

import uuid

from tests.factories import worker_payload


def test_own_participant_409_carries_where_to_open_it(as_agent, org):
    body = worker_payload()
    first = as_agent.post("/api/v1/workers", json=body).get_json()
    again = as_agent.post("/api/v1/workers", json={**body, "id": str(uuid.uuid4())})
    assert again.status_code == 409
    data = again.get_json()
    assert data["message"] == "NIK sudah terdaftar."
    assert data["existing_visible"] is True
    assert data["worker_id"] == first["id"]
    assert data["membership_number"] == first["membership_number"]
    assert "ask_branch" not in data


def test_another_agents_participant_409_names_the_branch_to_ask(as_agent, as_agent2, org):
    body = worker_payload()
    assert as_agent.post("/api/v1/workers", json=body).status_code == 201
    other = as_agent2.post("/api/v1/workers", json={**body, "id": str(uuid.uuid4())})
    assert other.status_code == 409
    data = other.get_json()
    assert data["existing_visible"] is False
    assert "worker_id" not in data and "membership_number" not in data
    assert data["ask_branch"] == org.branch.name
    assert data["message"] == (
        "NIK sudah terdaftar pada agen lain. Jangan daftarkan ulang; "
        f"tanyakan ke {org.branch.name}."
    )
    assert data["errors"]["json"]["nik"] == ["NIK sudah terdaftar."]
    english = as_agent2.post(
        "/api/v1/workers",
        json={**body, "id": str(uuid.uuid4())},
        headers={"Accept-Language": "en"},
    ).get_json()
    assert english["message"].startswith("This NIK is already registered with another agent.")
    assert org.branch.name in english["message"]


def test_sync_rejection_carries_the_same_distinction(as_agent, as_agent2, org):
    body = worker_payload()
    assert as_agent.post("/api/v1/workers", json=body).status_code == 201
    op = {
        "op_id": str(uuid.uuid4()),
        "type": "worker.register",
        "payload": {**body, "id": str(uuid.uuid4())},
    }
    [result] = as_agent2.post("/api/v1/sync", json={"operations": [op]}).get_json()["results"]
    assert result["status"] == "rejected" and result["http_status"] == 409
    assert result["details"] == {"existing_visible": False, "ask_branch": org.branch.name}
    assert org.branch.name in result["message"]

"""Bodies of the employer endpoints and employers made through the API (the factory style of
tests/factories.py: plain functions, through the operations the product uses)."""

from __future__ import annotations

import itertools
import uuid

from tests.factories import valid_nik

_seq = itertools.count(1)


def employer_payload(n: int | None = None, **overrides) -> dict:
    """A valid POST /api/v1/employers body in make_org's village, with NIB and NPWP."""
    n = next(_seq) if n is None else n
    body = {
        "id": str(uuid.uuid4()),
        "name": f"Usaha Uji {n}",
        "size": "small",
        "risk_group": 2,
        "village_code": "33.25.01.2001",
        "phone": "0285 391234",
        "contact_name": "Bapak Pemilik",
        "nib": f"{9_120_000_000_000 + n}",
        "npwp": f"{10_000_000_000_000 + n:015d}",
        "address": "Jl. Pelabuhan 3",
    }
    return {**body, **overrides}


def employee_payload(n: int | None = None, **overrides) -> dict:
    """A valid POST /api/v1/employers/<id>/workers body (a man born 1990-07-05)."""
    n = next(_seq) if n is None else n
    body = {
        "id": str(uuid.uuid4()),
        "nik": valid_nik(n + 5000),
        "full_name": f"Pekerja Uji {n}",
        "birth_date": "1990-07-05",
        "gender": "M",
        "wage": 5_000_000,
    }
    return {**body, **overrides}


def register(client, **overrides) -> dict:
    response = client.post("/api/v1/employers", json=employer_payload(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def add_worker(client, employer_id: str, **overrides) -> dict:
    url = f"/api/v1/employers/{employer_id}/workers"
    response = client.post(url, json=employee_payload(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()

"""The gap report's numbers on the known dataset of conftest.py, per regency and for the
branch, as JSON pages and exports; and the joint inspection team's visit list."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from tests.compliance.conftest import list_csv, upload
from tests.employers.helpers import add_worker

BRANCH = [  # (employer_name, registration number key or None, reported, registered, gap)
    ("PT Tidak Terdaftar", None, 20, 0, 20),
    ("Pabrik Es Kristal", None, 8, 0, 8),
    ("PT Maju Jaya", "maju", 10, 3, 7),
    ("Bengkel Abadi Motorr", None, 6, 0, 6),
    ("Warung Makan Bu Sri, UD", None, 4, 0, 4),
    ("CV Sumber Rejeki", "sumber", 5, 2, 3),
    ("Toko Sinar Terang", "toko", 1, 1, 0),
]


def _gaps(client, query=""):
    return client.get(f"/api/v1/compliance/gaps{query}")


def _lines(body, employers):
    numbers = {e["registration_number"]: key for key, e in employers.items()}
    return [
        (
            line["employer_name"],
            numbers.get(line["registration_number"]),
            line["reported_workers"],
            line["registered_workers"],
            line["gap"],
        )
        for line in body
    ]


@pytest.mark.today("2026-06-15")
def test_the_gap_report_of_the_branch_largest_gap_first(as_supervisor, employers):
    upload(as_supervisor, list_csv(employers))
    response = _gaps(as_supervisor)
    assert response.status_code == 200
    assert _lines(response.get_json(), employers) == BRANCH
    assert json.loads(response.headers["X-Pagination"])["total"] == 7
    # a matched line names the registered employer and its number, an unmatched one the list's
    first = response.get_json()[2]
    assert first["registration_number"] == employers["maju"]["registration_number"]
    assert first["employer_id"] == employers["maju"]["id"]
    assert response.get_json()[0]["registration_number"] is None
    page = _gaps(as_supervisor, "?page=2&page_size=3").get_json()
    assert [line["employer_name"] for line in page] == [
        "Bengkel Abadi Motorr",
        "Warung Makan Bu Sri, UD",
        "CV Sumber Rejeki",
    ]


@pytest.mark.today("2026-06-15")
def test_per_regency_and_after_confirming_and_registering(as_supervisor, as_agent, employers):
    upload(as_supervisor, list_csv(employers))
    regency = _lines(_gaps(as_supervisor, "?regency_code=33.25").get_json(), employers)
    assert regency == [line for line in BRANCH if line[0] != "Pabrik Es Kristal"]
    [other] = _gaps(as_supervisor, "?regency_code=33.75").get_json()
    assert (other["employer_name"], other["gap"]) == ("Pabrik Es Kristal", 8)
    # the typo confirmed, and the employer registers two of its six workers
    [typo] = [
        r
        for r in as_supervisor.get("/api/v1/compliance/headcounts?state=proposed").get_json()
        if r["employer_name"] == "Bengkel Abadi Motorr"
    ]
    as_supervisor.post(f"/api/v1/compliance/headcounts/{typo['id']}/confirm")
    for _ in range(2):
        add_worker(as_agent, employers["bengkel"]["id"])
    lines = {line["employer_name"]: line for line in _gaps(as_supervisor).get_json()}
    bengkel = lines["Bengkel Abadi Motor"]  # now the registered employer's own name
    assert (bengkel["reported_workers"], bengkel["registered_workers"], bengkel["gap"]) == (6, 2, 4)
    assert bengkel["registration_number"] == employers["bengkel"]["registration_number"]


@pytest.mark.today("2026-06-15")
def test_two_rows_of_one_employer_are_one_line(as_supervisor, employers):
    content = (
        "employer_name,regency_code,reported_workers,nib\n"
        f"Maju Jaya Cabang Kota,33.25,10,{employers['maju']['nib']}\n"
        f"Maju Jaya Cabang Desa,33.25,4,{employers['maju']['nib']}\n"
    ).encode()
    upload(as_supervisor, content)
    [line] = _gaps(as_supervisor).get_json()
    assert (line["employer_name"], line["reported_workers"], line["registered_workers"]) == (
        "PT Maju Jaya",
        14,
        3,
    )
    assert line["gap"] == 11


@pytest.mark.today("2026-06-15")
def test_the_newest_list_is_the_report_and_an_older_one_can_be_asked_for(as_supervisor, employers):
    older = upload(as_supervisor, list_csv(employers)).get_json()["list_id"]
    upload(as_supervisor, b"employer_name,regency_code,reported_workers\nBaru Sekali,33.25,2\n")
    assert [line["employer_name"] for line in _gaps(as_supervisor).get_json()] == ["Baru Sekali"]
    assert len(_gaps(as_supervisor, f"?list_id={older}").get_json()) == 7


@pytest.mark.today("2026-06-15")
def test_the_report_exports_as_csv_and_xlsx(as_supervisor, employers):
    upload(as_supervisor, list_csv(employers))
    exported = _gaps(as_supervisor, "?format=csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["employer_name", "registration_number"]
    assert [(r[0], int(r[-1])) for r in rows[1:]] == [(line[0], line[4]) for line in BRANCH]
    workbook = load_workbook(io.BytesIO(_gaps(as_supervisor, "?format=xlsx").data))
    sheet = list(workbook.active.iter_rows(values_only=True))
    assert [(r[0], r[-1]) for r in sheet[1:]] == [(line[0], line[4]) for line in BRANCH]


@pytest.mark.today("2026-06-15")
def test_other_branches_see_no_line_and_no_list(as_supervisor, as_other_supervisor, employers):
    listed = upload(as_supervisor, list_csv(employers)).get_json()["list_id"]
    assert _gaps(as_other_supervisor).get_json() == []
    assert _gaps(as_other_supervisor, f"?list_id={listed}").status_code == 404
    assert as_other_supervisor.get("/api/v1/compliance/headcounts").get_json() == []


@pytest.mark.today("2026-06-15")
def test_a_visit_is_planned_from_the_report_and_its_outcome_recorded(
    as_supervisor, as_other_supervisor, employers
):
    upload(as_supervisor, list_csv(employers))
    [largest, *_] = _gaps(as_supervisor).get_json()
    body = {"headcount_id": largest["headcount_id"], "planned_on": "2026-06-20", "team": "Tim A"}
    planned = as_supervisor.post("/api/v1/compliance/visits", json=body)
    assert planned.status_code == 201, planned.get_json()
    visit = planned.get_json()
    assert (visit["employer_name"], visit["gap_when_planned"], visit["state"]) == (
        "PT Tidak Terdaftar",
        20,
        "planned",
    )
    assert as_supervisor.post("/api/v1/compliance/visits", json=body).status_code == 200
    moved = as_supervisor.post("/api/v1/compliance/visits", json={**body, "team": "Tim B"})
    assert moved.status_code == 409
    assert as_other_supervisor.post("/api/v1/compliance/visits", json=body).status_code == 404
    assert _gaps(as_supervisor).get_json()[0]["visit_state"] == "planned"
    outcome_url = f"/api/v1/compliance/visits/{visit['id']}/outcome"
    future = {"outcome": "promised", "visited_on": "2026-06-16", "note": "akan daftar"}
    assert as_supervisor.post(outcome_url, json=future).status_code == 422
    found = {**future, "visited_on": "2026-06-15"}
    recorded = as_supervisor.post(outcome_url, json=found)
    assert recorded.status_code == 200
    assert (recorded.get_json()["state"], recorded.get_json()["outcome"]) == ("visited", "promised")
    assert as_supervisor.post(outcome_url, json=found).status_code == 200
    assert as_supervisor.post(outcome_url, json={**found, "outcome": "refused"}).status_code == 409
    assert as_other_supervisor.post(outcome_url, json=found).status_code == 404
    [listed] = as_supervisor.get("/api/v1/compliance/visits?state=visited").get_json()
    assert (listed["id"], listed["note"], listed["gap"]) == (visit["id"], "akan daftar", 20)
    assert as_supervisor.get("/api/v1/compliance/visits?state=planned").get_json() == []

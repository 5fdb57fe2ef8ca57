"""The labour office's list in (API.md `POST /api/v1/compliance/headcounts`): a dry run, the
import, matches by identifier, by name (proposed, then confirmed or rejected) and none, the
row report keyed by the file's columns, XLSX and Indonesian column names, and who may."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

from tests.compliance.conftest import list_csv, upload


def _rows(client, **query):
    args = "&".join(f"{k}={v}" for k, v in query.items())
    return client.get(f"/api/v1/compliance/headcounts?{args}").get_json()


@pytest.mark.today("2026-06-15")
def test_a_dry_run_matches_and_stores_nothing(as_supervisor, employers):
    response = upload(as_supervisor, list_csv(employers), dry_run="true")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["rows"], body["matched"], body["proposed"], body["unmatched"]) == (7, 3, 2, 2)
    assert (body["list_id"], body["dry_run"], body["problems"]) == (None, True, [])
    assert as_supervisor.get("/api/v1/compliance/lists").get_json() == []
    assert as_supervisor.get("/api/v1/compliance/gaps").get_json() == []


@pytest.mark.today("2026-06-15")
def test_the_import_matches_by_identifier_and_proposes_by_name(as_supervisor, employers):
    response = upload(as_supervisor, list_csv(employers), reported_on="2026-06-01")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["rows"], body["matched"], body["proposed"], body["unmatched"]) == (7, 3, 2, 2)
    rows = {r["employer_name"]: r for r in _rows(as_supervisor)}
    assert (rows["PT. MAJU JAYA"]["method"], rows["PT. MAJU JAYA"]["employer"]["id"]) == (
        "nib",
        employers["maju"]["id"],
    )
    assert rows["Sumber Rejeki"]["method"] == "npwp"  # 15 digits with dots = the 16 stored
    assert rows["Toko Sinar Terang"]["method"] == "registration_number"
    typo = rows["Bengkel Abadi Motorr"]
    assert (typo["state"], typo["employer"]) == ("proposed", None)
    assert typo["proposed_employer"]["id"] == employers["bengkel"]["id"]
    assert typo["score"] == 97  # difflib's ratio of the two name keys
    assert rows["Warung Makan Bu Sri, UD"]["score"] == 100  # the same name, legal form aside
    assert [r["state"] for r in (rows["PT Tidak Terdaftar"], rows["Pabrik Es Kristal"])] == [
        "unmatched",
        "unmatched",
    ]
    [stored] = as_supervisor.get("/api/v1/compliance/lists").get_json()
    assert (stored["id"], stored["reported_on"], stored["rows"]) == (
        body["list_id"],
        "2026-06-01",
        7,
    )
    again = upload(as_supervisor, list_csv(employers))
    assert (again.status_code, again.get_json()["list_id"]) == (200, body["list_id"])


@pytest.mark.today("2026-06-15")
def test_a_proposal_is_confirmed_or_rejected_once(as_supervisor, as_other_supervisor, employers):
    upload(as_supervisor, list_csv(employers))
    proposed = {r["employer_name"]: r["id"] for r in _rows(as_supervisor, state="proposed")}
    assert sorted(proposed) == ["Bengkel Abadi Motorr", "Warung Makan Bu Sri, UD"]
    url = "/api/v1/compliance/headcounts/{}/{}"
    bengkel, warung = proposed["Bengkel Abadi Motorr"], proposed["Warung Makan Bu Sri, UD"]
    assert as_other_supervisor.post(url.format(bengkel, "confirm")).status_code == 404
    confirmed = as_supervisor.post(url.format(bengkel, "confirm"))
    assert confirmed.status_code == 200
    assert confirmed.get_json()["state"] == "matched"
    assert confirmed.get_json()["employer"]["id"] == employers["bengkel"]["id"]
    assert as_supervisor.post(url.format(bengkel, "confirm")).status_code == 200  # the same
    assert as_supervisor.post(url.format(bengkel, "reject")).status_code == 409
    rejected = as_supervisor.post(url.format(warung, "reject")).get_json()
    assert (rejected["state"], rejected["employer"]) == ("rejected", None)
    matched = [r for r in _rows(as_supervisor) if r["state"] == "matched"]
    assert len(matched) == 4
    unmatched_id = next(r["id"] for r in _rows(as_supervisor, state="unmatched"))
    assert as_supervisor.post(url.format(unmatched_id, "confirm")).status_code == 409


@pytest.mark.today("2026-06-15")
def test_every_problem_of_a_row_is_reported_by_the_files_column_names(as_supervisor, employers):
    content = (
        b"nama_perusahaan;kode_kabupaten;jumlah_pekerja;nomor_pendaftaran\n"
        b"Usaha Baik;33.25;1.500;\n"
        b";99.99;-3;123\n"
        b"Usaha Lain;33.25.01;banyak;\n"
    )
    dry = upload(as_supervisor, content, dry_run="true").get_json()
    assert (dry["rows"], dry["problem_count"]) == (3, 2)
    first, second = dry["problems"]
    assert first["row"] == 3
    assert set(first["errors"]) == {
        "nama_perusahaan",
        "kode_kabupaten",
        "jumlah_pekerja",
        "nomor_pendaftaran",
    }
    assert first["errors"]["kode_kabupaten"] == [
        "Kode kabupaten/kota ini tidak ada dalam daftar wilayah."
    ]
    assert (second["row"], sorted(second["errors"])) == (4, ["jumlah_pekerja", "kode_kabupaten"])
    refused = upload(as_supervisor, content)
    assert refused.status_code == 422
    assert sorted(refused.get_json()["errors"]["rows"]) == ["3", "4"]
    assert refused.get_json()["errors"]["rows"]["4"]["jumlah_pekerja"]
    assert as_supervisor.get("/api/v1/compliance/lists").get_json() == []


def test_a_file_without_the_columns_is_refused_naming_them(as_supervisor, org):
    response = upload(as_supervisor, b"nama,jumlah\nA,1\n", dry_run="true")
    assert response.status_code == 422
    [message] = response.get_json()["errors"]["files"]["file"]
    assert "employer_name, regency_code" in message and "nama, jumlah" in message


@pytest.mark.today("2026-06-15")
def test_an_xlsx_list_reads_as_the_csv(as_supervisor, employers):
    workbook = Workbook()
    sheet = workbook.active
    for line in list_csv(employers).decode().splitlines():
        [cells] = csv.reader([line])
        sheet.append([int(c) if c.isdigit() and len(c) < 6 else c for c in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    body = upload(
        as_supervisor, buffer.getvalue(), filename="disnaker.xlsx", dry_run="1"
    ).get_json()
    assert (body["rows"], body["matched"], body["proposed"], body["unmatched"]) == (7, 3, 2, 2)


def test_only_supervisors_and_admins_upload_and_an_admin_names_the_branch(as_agent, as_admin, org):
    content = b"employer_name,regency_code,reported_workers\nUsaha,33.25,3\n"
    assert upload(as_agent, content).status_code == 403
    assert as_agent.get("/api/v1/compliance/gaps").status_code == 403
    unnamed = upload(as_admin, content)
    assert unnamed.status_code == 422
    assert unnamed.get_json()["errors"]["files"]["branch"]
    named = upload(as_admin, content, branch=org.branch.code)
    assert named.status_code == 201
    assert upload(as_admin, content, branch="NOPE").status_code == 422

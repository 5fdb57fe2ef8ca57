"""POST /api/v1/imports/workers: dry run, both modes, re-import, duplicates, the row report."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from perisai.imports.models import ImportJob, ImportRow
from perisai.workers.models import Worker
from tests.factories import make_worker, valid_nik
from tests.imports.helpers import csv_bytes, participant_row, rows_of, upload, xlsx_bytes


def _workers(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Worker))


def _problems(client, job_id) -> dict[int, dict]:
    response = client.get(f"/api/v1/imports/{job_id}/rows?status=problems&page_size=200")
    assert response.status_code == 200
    return {row["row"]: row["errors"] for row in response.get_json()}


def _error_tokens(db, job_id) -> dict[int, dict]:
    rows = db.session.scalars(
        select(ImportRow).where(ImportRow.job_id == job_id, ImportRow.status == "invalid")
    )
    return {row.row_number: row.errors for row in rows}


def test_dry_run_reports_every_row_problem_with_row_numbers(db, org, as_supervisor):
    registered = make_worker(db.session, org.agent)
    db.session.commit()
    rows = rows_of(12, start=100, agent_code=org.agent.agent_code)
    rows[1]["nik"] = "33250105079"  # row 3: too short
    rows[2]["village_code"] = "33.25.09.9999"  # row 4: unknown village
    rows[3]["nik"] = rows[0]["nik"]  # row 5: same NIK as row 2
    rows[4]["nik"] = registered.nik  # row 6: already registered
    rows[5]["consent_given"] = ""  # row 7: no consent
    rows[6]["gender"] = "P"  # row 8: contradicts the NIK
    rows[7]["birth_date"] = "31/02/1990"  # row 9: not a date
    rows[8]["occupation"] = "astronaut"  # row 10: unknown occupation
    rows[9]["income_level"] = "1.050.000"  # row 11: not a level
    rows[10]["phone"] = "12345"  # row 12
    body = csv_bytes(rows)
    response = upload(as_supervisor, body, dry_run=True)
    assert response.status_code == 201, response.get_json()
    job = response.get_json()
    assert job["state"] == "validated" and job["dry_run"] is True
    assert job["counts"] == {
        "total": 12,
        "processed": 12,
        "valid": 2,
        "invalid": 10,
        "imported": 0,
        "paid": 0,
    }
    tokens = _error_tokens(db, job["id"])
    assert tokens[3] == {"nik": ["workers.nik_length"]}
    assert tokens[4] == {"village_code": ["workers.village_unknown"]}
    assert tokens[5] == {"nik": ["imports.duplicate_in_file|2"]}
    assert tokens[6] == {"nik": ["workers.nik_taken"]}
    assert tokens[7] == {"consent_given": ["workers.consent_required"]}
    assert tokens[8] == {"nik": ["workers.nik_gender"]}
    assert tokens[9] == {"birth_date": ["imports.date_invalid"]}
    assert tokens[10] == {"occupation": ["workers.occupation_unknown"]}
    assert tokens[11] == {"income_level": ["workers.income_level_unknown"]}
    assert tokens[12] == {"phone": ["workers.phone_invalid"]}
    assert set(tokens) == {3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
    # Translated in the report, Indonesian by default and English on request.
    problems = _problems(as_supervisor, job["id"])
    assert problems[5] == {"nik": ["NIK sama dengan baris 2 di berkas ini."]}
    english = as_supervisor.get(
        f"/api/v1/imports/{job['id']}/rows?status=problems", headers={"Accept-Language": "en"}
    ).get_json()
    assert {"nik": ["Same NIK as row 2 of this file."]} in [r["errors"] for r in english]
    assert _workers(db) == 1  # a dry run stores no participant


def test_all_or_nothing_with_a_bad_row_imports_nothing(db, org, as_supervisor):
    rows = rows_of(5, start=200, agent_code=org.agent.agent_code)
    rows[3]["village_code"] = "99.99.99.9999"
    response = upload(as_supervisor, csv_bytes(rows), mode="all_or_nothing")
    assert response.status_code == 201
    job = response.get_json()
    assert job["state"] == "rejected"
    assert job["counts"]["invalid"] == 1 and job["counts"]["imported"] == 0
    assert _workers(db) == 0


def test_valid_only_imports_the_good_rows_and_reports_the_rest(db, org, as_supervisor):
    rows = rows_of(5, start=300, agent_code=org.agent.agent_code)
    rows[1]["nik"] = rows[0]["nik"]
    rows[3]["village_code"] = "99.99.99.9999"
    response = upload(as_supervisor, csv_bytes(rows), mode="valid_only")
    assert response.status_code == 201
    job = response.get_json()
    assert job["state"] == "done"
    assert job["counts"]["imported"] == 3 and job["counts"]["invalid"] == 2
    assert _workers(db) == 3
    listed = as_supervisor.get(f"/api/v1/imports/{job['id']}/rows?status=imported").get_json()
    assert [r["row"] for r in listed] == [2, 4, 6]
    assert all(len(r["membership_number"]) == 11 for r in listed)
    worker = db.session.get(Worker, __import__("uuid").UUID(listed[0]["worker_id"]))
    assert worker.managed_by_id == org.agent.id and worker.branch_id == org.branch.id
    assert worker.nik == rows[0]["nik"]


def test_all_or_nothing_clean_file_imports_everything_from_xlsx(db, org, as_supervisor):
    rows = rows_of(7, start=400)
    content = xlsx_bytes(rows, lang="en")
    response = upload(as_supervisor, content, filename="list.xlsx", agent_code=org.agent.agent_code)
    assert response.status_code == 201, response.get_json()
    job = response.get_json()
    assert job["format"] == "xlsx" and job["state"] == "done"
    assert job["counts"]["imported"] == 7
    assert _workers(db) == 7


def test_reimporting_the_same_file_returns_the_same_job_and_creates_nothing(db, org, as_supervisor):
    content = csv_bytes(rows_of(4, start=500, agent_code=org.agent.agent_code))
    first = upload(as_supervisor, content).get_json()
    again = upload(as_supervisor, content)
    assert again.status_code == 200
    assert again.get_json()["id"] == first["id"] and again.get_json()["state"] == "done"
    assert _workers(db) == 4
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 1


def test_a_new_file_with_already_imported_people_reports_them(db, org, as_supervisor):
    rows = rows_of(3, start=600, agent_code=org.agent.agent_code)
    upload(as_supervisor, csv_bytes(rows))
    rows.append(participant_row(700, agent_code=org.agent.agent_code))
    second = upload(as_supervisor, csv_bytes(rows), mode="valid_only").get_json()
    assert second["counts"]["imported"] == 1 and second["counts"]["invalid"] == 3
    tokens = _error_tokens(db, second["id"])
    assert tokens == {n: {"nik": ["workers.nik_taken"]} for n in (2, 3, 4)}
    assert _workers(db) == 4


def test_dry_run_then_commit_the_same_job(db, org, as_supervisor):
    rows = rows_of(3, start=800, agent_code=org.agent.agent_code)
    rows[2]["consent_given"] = "tidak"
    job = upload(as_supervisor, csv_bytes(rows), dry_run=True).get_json()
    assert job["state"] == "validated" and job["counts"]["invalid"] == 1
    refused = as_supervisor.post(f"/api/v1/imports/{job['id']}/commit", json={})
    assert refused.status_code == 200 and refused.get_json()["state"] == "rejected"
    assert _workers(db) == 0
    done = as_supervisor.post(f"/api/v1/imports/{job['id']}/commit", json={"mode": "valid_only"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["state"] == "done" and done.get_json()["counts"]["imported"] == 2
    assert _workers(db) == 2
    again = as_supervisor.post(f"/api/v1/imports/{job['id']}/commit", json={})
    assert again.status_code == 409


def test_semicolon_csv_with_english_headers_and_excel_formats(db, org, as_supervisor):
    rows = rows_of(2, start=900, agent_code=org.agent.agent_code)
    rows[0]["birth_date"] = "05/07/1990"
    rows[0]["income_level"] = "Rp 1.000.000"
    rows[1]["village_code"] = "3325012001"
    rows[1]["gender"] = "M"
    content = csv_bytes(rows, lang="en", delimiter=";")
    job = upload(as_supervisor, content).get_json()
    assert job["state"] == "done", job
    assert job["counts"]["imported"] == 2


def test_xlsx_number_cells(db, org, as_supervisor):
    rows = rows_of(3, start=950, agent_code=org.agent.agent_code)
    from datetime import date

    raw = {
        (0, "nik"): 3325010507900951,  # a NIK typed as a number: digits may be lost
        (1, "income_level"): 1000000,
        (1, "phone"): 81300000951,  # Excel dropped the leading 0
        (2, "birth_date"): date(1990, 7, 5),
    }
    job = upload(
        as_supervisor, xlsx_bytes(rows, raw=raw), filename="l.xlsx", mode="valid_only"
    ).get_json()
    assert job["counts"]["imported"] == 2, _error_tokens(db, job["id"])
    assert _error_tokens(db, job["id"]) == {2: {"nik": ["imports.nik_as_number"]}}


def test_missing_columns_and_bad_files_are_refused_upfront(db, org, as_supervisor):
    content = b"nik,nama_lengkap\n3325010507900001,Budi\n"
    response = upload(as_supervisor, content)
    assert response.status_code == 422
    message = response.get_json()["errors"]["files"]["file"][0]
    assert "tanggal_lahir" not in message and "birth_date" in message
    assert upload(as_supervisor, b"\x00\x01binary", filename="x.pdf").status_code == 422
    assert upload(as_supervisor, b"PK\x03\x04broken", filename="x.xlsx").status_code == 422
    header_only = csv_bytes([]).split(b"\n")[0] + b"\n"
    assert upload(as_supervisor, header_only).status_code == 422
    assert (
        as_supervisor.post(
            "/api/v1/imports/workers", data={}, content_type="multipart/form-data"
        ).status_code
        == 422
    )
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0


def test_row_report_is_paginated(db, org, as_supervisor):
    rows = rows_of(7, start=1000, agent_code=org.agent.agent_code, village_code="00.00.00.0000")
    job = upload(as_supervisor, csv_bytes(rows), dry_run=True).get_json()
    response = as_supervisor.get(f"/api/v1/imports/{job['id']}/rows?page=2&page_size=3")
    assert [r["row"] for r in response.get_json()] == [5, 6, 7]
    assert json.loads(response.headers["X-Pagination"]) == {"total": 7, "page": 2, "page_size": 3}
    report = as_supervisor.get(f"/api/v1/imports/{job['id']}/rows.csv")
    assert report.status_code == 200
    lines = report.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 8 and lines[1].startswith("2,invalid,3325********")
    assert valid_nik(1000) not in report.get_data(as_text=True)  # never a full NIK


@pytest.mark.parametrize("lang", ["id", "en"])
def test_templates_in_both_languages_round_trip(db, org, as_supervisor, lang):
    from io import BytesIO

    from openpyxl import load_workbook

    header = as_supervisor.get(f"/api/v1/imports/template.csv?lang={lang}")
    assert header.status_code == 200 and header.mimetype == "text/csv"
    names = header.get_data(as_text=True).lstrip("\ufeff").strip().split(",")
    assert ("nama_lengkap" in names) == (lang == "id") and names[0] == "nik"
    xlsx = as_supervisor.get(f"/api/v1/imports/template.xlsx?lang={lang}")
    book = load_workbook(BytesIO(xlsx.get_data()))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == names
    assert sheet["A2"].number_format == "@"  # NIK as text
    assert len(book.worksheets) == 2
    # The template, filled in, is accepted as it is.
    sheet.append(list(participant_row(1100, gender="L" if lang == "id" else "M").values()))
    out = BytesIO()
    book.save(out)
    job = upload(
        as_supervisor, out.getvalue(), filename="t.xlsx", agent_code=org.agent.agent_code
    ).get_json()
    assert job["state"] == "done" and job["counts"]["imported"] == 1, job


def test_all_or_nothing_undoes_everything_when_a_row_fails_after_the_dry_run(
    db, org, as_supervisor
):
    rows = rows_of(4, start=1200, agent_code=org.agent.agent_code)
    job = upload(as_supervisor, csv_bytes(rows), dry_run=True).get_json()
    assert job["state"] == "validated" and job["counts"]["valid"] == 4
    make_worker(db.session, org.agent2, nik=rows[2]["nik"])  # registered meanwhile
    db.session.commit()
    response = as_supervisor.post(f"/api/v1/imports/{job['id']}/commit", json={})
    body = response.get_json()
    assert body["state"] == "rolled_back", body
    assert body["counts"]["imported"] == 0 and body["counts"]["invalid"] == 1
    assert body["error"].startswith("Dibatalkan")
    assert _error_tokens(db, job["id"]) == {4: {"nik": ["workers.nik_taken"]}}
    assert _workers(db) == 1  # only the one registered meanwhile
    # Fixed (valid rows only), the same job imports the other three.
    done = as_supervisor.post(f"/api/v1/imports/{job['id']}/commit", json={"mode": "valid_only"})
    assert done.get_json()["counts"]["imported"] == 3
    assert _workers(db) == 4


def test_resume_and_rollback_refuse_a_job_that_is_not_interrupted(db, org, as_supervisor):
    job = upload(as_supervisor, csv_bytes(rows_of(1, start=1300)), dry_run=True).get_json()
    assert as_supervisor.post(f"/api/v1/imports/{job['id']}/resume").status_code == 409
    assert as_supervisor.post(f"/api/v1/imports/{job['id']}/rollback").status_code == 409

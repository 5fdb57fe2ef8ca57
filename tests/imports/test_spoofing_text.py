"""A participant list whose names hide bidi overrides or zero-width characters: those rows are
refused with the field named, in the request's language, and nothing of them is stored."""

from __future__ import annotations

from sqlalchemy import func, select

from perisai.workers.models import Worker
from tests.imports.helpers import csv_bytes, rows_of, upload


def test_rows_with_spoofing_characters_are_refused_and_not_imported(db, org, as_supervisor):
    rows = rows_of(3, start=700, agent_code=org.agent.agent_code)
    rows[0]["full_name"] = "Budi \u202egnp.exe\u202c Santoso"
    rows[1]["beneficiary_name"] = "Siti\u200b Aminah"
    response = upload(as_supervisor, csv_bytes(rows), mode="valid_only")
    assert response.status_code == 201, response.get_json()
    job = response.get_json()
    assert job["counts"]["invalid"] == 2 and job["counts"]["imported"] == 1
    problems = as_supervisor.get(
        f"/api/v1/imports/{job['id']}/rows?status=problems", headers={"Accept-Language": "en"}
    ).get_json()
    errors = {row["row"]: row["errors"] for row in problems}
    invisible = "Contains invisible formatting characters"
    assert [m for m in errors[2]["full_name"] if m.startswith(invisible)]
    assert [m for m in errors[3]["beneficiary_name"] if m.startswith(invisible)]
    names = db.session.scalars(select(Worker.full_name)).all()
    assert names == ["Peserta Impor 702"]
    assert db.session.scalar(select(func.count()).select_from(Worker)) == 1

"""/supervisor/imports: the page with the templates, the upload form, the report and the result."""

from __future__ import annotations

import io
import re

from tests.imports.helpers import csv_bytes, rows_of


def _form(client, content: bytes, **fields):
    data = {"csrf_token": client.csrf_token, "file": (io.BytesIO(content), "daftar.csv"), **fields}
    return client.client.post("/supervisor/imports", data=data, content_type="multipart/form-data")


def test_page_lists_templates_and_the_form(db, org, as_supervisor):
    response = as_supervisor.get("/supervisor/imports")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for link in ("template.xlsx?lang=id", "template.csv?lang=id", "template.xlsx?lang=en"):
        assert link in html
    assert 'name="csrf_token"' in html and "Uji coba" in html
    # Strict CSP: no inline scripts or styles.
    assert "<style" not in html and "style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    english = as_supervisor.get("/supervisor/imports", headers={"Accept-Language": "en"})
    assert "Dry run" in english.get_data(as_text=True)


def test_agents_and_strangers_do_not_get_the_page(client, org, as_agent):
    assert as_agent.get("/supervisor/imports").status_code == 403
    assert client.get("/supervisor/imports").status_code == 401


def test_dry_run_from_the_page_shows_the_problems_then_imports(db, org, as_supervisor):
    rows = rows_of(3, start=4000, agent_code=org.agent.agent_code)
    rows[1]["village_code"] = "99.99.99.9999"
    response = _form(as_supervisor, csv_bytes(rows), action="dry_run", mode="valid_only")
    assert response.status_code == 302
    job_url = response.headers["Location"]
    page = as_supervisor.get(job_url).get_data(as_text=True)
    assert "Sudah diperiksa" in page
    assert ("<td>3</td>" in page and "Kode desa tidak dikenal" in page) or "village" in page
    assert "3325********" in page
    commit = as_supervisor.client.post(
        job_url + "/commit", data={"csrf_token": as_supervisor.csrf_token, "mode": "valid_only"}
    )
    assert commit.status_code == 302
    done = as_supervisor.get(job_url).get_data(as_text=True)
    assert "Selesai" in done and 'id="count-imported">2<' in done


def test_page_form_needs_the_csrf_field(db, org, as_supervisor):
    data = {"file": (io.BytesIO(csv_bytes(rows_of(1, start=4100))), "a.csv")}
    response = as_supervisor.client.post(
        "/supervisor/imports", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 403


def test_page_shows_upload_errors(db, org, as_supervisor):
    response = _form(as_supervisor, b"nik\n1\n", action="dry_run")
    assert response.status_code == 422
    assert "Kolom wajib tidak ada" in response.get_data(as_text=True)


def test_static_script_is_served(db, as_supervisor):
    response = as_supervisor.get("/supervisor/imports/static/imports.js")
    body = response.get_data()
    response.close()
    assert response.status_code == 200 and b"/api/v1/imports/" in body

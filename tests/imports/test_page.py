"""/supervisor/imports: the page with the templates, the upload form, the report and the result."""

from __future__ import annotations

import io
import re

from perisai.workers.models import mask_nik
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
    problems = problem_rows(page)
    masked = mask_nik(rows[1]["nik"])
    assert problems == [("3", masked, "kode_desa", "Kode desa/kelurahan tidak ditemukan.")]
    assert "3325********" in page
    commit = as_supervisor.client.post(
        job_url + "/commit", data={"csrf_token": as_supervisor.csrf_token, "mode": "valid_only"}
    )
    assert commit.status_code == 302
    done = as_supervisor.get(job_url).get_data(as_text=True)
    assert "Selesai" in done and 'id="count-imported">2<' in done


def problem_rows(page: str) -> list[tuple[str, ...]]:
    """The problem table's rows as the page shows them: (row, NIK, column, message)."""
    table = page.split('class="problems"')[1].split("</table>")[0]
    return [
        tuple(re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", tr))
        for tr in re.findall(r"<tr><td>.*?</tr>", table, flags=re.S)
    ]


def test_the_dry_run_names_every_problem_of_a_row_as_the_template_does(db, org, as_supervisor):
    rows = rows_of(2, start=4200, agent_code=org.agent.agent_code)
    rows[0]["birth_date"] = "05/07/1990"  # DD/MM/YYYY, as the template's help says
    rows[1].update(
        nik=rows[1]["nik"][:6] + "15" + rows[1]["nik"][8:],  # born on the 15th, says the NIK
        birth_date="05/07/1990",
        gender="X",
        phone="12",
        occupation="astronot",
        income_level="banyak",
        village_code="99.99.99.9999",
        address="",
        beneficiary_name="",
    )
    response = _form(as_supervisor, csv_bytes(rows), action="dry_run", mode="valid_only")
    page = as_supervisor.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="count-valid">1<' in page  # the DD/MM/YYYY row is valid
    shown = {(column, message) for number, _, column, message in problem_rows(page)}
    assert {number for number, *_ in problem_rows(page)} == {"3"}
    assert shown == {
        ("nik", "Tanggal lahir tidak sesuai dengan NIK."),
        ("jenis_kelamin", "Jenis kelamin harus L/P (atau M/F)."),
        ("no_hp", "Nomor HP harus 08… atau +62… (9–13 digit)."),
        ("pekerjaan", "Pekerjaan tidak dikenal."),
        ("penghasilan", "Harus berupa angka rupiah."),
        ("kode_desa", "Kode desa/kelurahan tidak ditemukan."),
        ("alamat", "Panjangnya harus 3 sampai 300 karakter."),
        ("nama_ahli_waris", "Panjangnya harus 2 sampai 160 karakter."),
    }
    english = as_supervisor.get(response.headers["Location"] + "?lang=en").get_data(as_text=True)
    columns = {column for _, _, column, _ in problem_rows(english)}
    assert {"gender", "village_code", "address"} <= columns and "jenis_kelamin" not in columns
    assert "Unknown village code." in english


def test_the_page_has_the_console_header_and_a_list_of_agents(db, org, as_supervisor):
    html = as_supervisor.get("/supervisor/imports").get_data(as_text=True)
    nav = html.split("<nav>")[1].split("</nav>")[0]
    assert 'href="/supervisor/cards"' in nav and 'href="/supervisor/imports"' in nav
    assert 'action="/supervisor/logout"' in html and 'hreflang="en"' in html
    select = html.split('<select name="agent_code">')[1].split("</select>")[0]
    assert f'value="{org.agent.agent_code}"' in select
    assert f'value="{org.agent2.agent_code}"' in select
    assert org.other_agent.agent_code not in select  # another branch's agent
    assert '<input name="agent_code"' not in html


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

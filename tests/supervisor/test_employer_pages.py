"""The supervisor's employer and compliance pages (/supervisor/employers, /supervisor/compliance…)
in both languages: the branch's employers and one employer's quote and workers (NIK masked),
the labour office's list uploaded (a dry run first) through the page, a proposal confirmed, a
visit planned from the gap report and its outcome recorded; another branch gets nothing; the
regions view shows employer coverage."""

from __future__ import annotations

import html as html_text
import io
import re

import pytest

from tests.compliance.conftest import list_csv, make_employers
from tests.employers.helpers import add_worker, register

pytestmark = pytest.mark.today("2026-06-15")


def html(response) -> str:
    return html_text.unescape(response.get_data(as_text=True))


def _post(client, url, data, **kwargs):
    return client.client.post(url, data={"csrf_token": client.csrf_token, **data}, **kwargs)


def test_the_employers_list_and_one_employer_in_both_languages(
    as_agent, as_supervisor, as_other_supervisor, org
):
    employer = register(as_agent, name="Bengkel Sinar Jaya", size="micro", risk_group=3)
    worker = add_worker(as_agent, employer["id"], wage=5_000_000)
    listed = html(as_supervisor.get("/supervisor/employers"))
    assert "Bengkel Sinar Jaya" in listed and "Mikro" in listed
    assert "Micro" in html(as_supervisor.get("/supervisor/employers?lang=en"))
    assert "Bengkel Sinar Jaya" not in html(as_other_supervisor.get("/supervisor/employers"))
    searched = html(as_supervisor.get("/supervisor/employers?q=sinar&lang=id"))
    assert employer["registration_number"] in searched
    assert as_supervisor.get("/supervisor/employers?q=a").status_code == 422
    page = html(as_supervisor.get(f"/supervisor/employers/{employer['id']}?lang=id"))
    # micro, risk group 3, Rp 5,000,000: JKK 0.89 % 44,500 and JKM 0.30 % 15,000
    assert "Iuran Juni 2026" in page
    assert "Rp 44.500" in page and "Rp 15.000" in page and "Rp 59.500" in page
    assert worker["nik_masked"] in page and worker["nik"] not in page
    english = html(as_supervisor.get(f"/supervisor/employers/{employer['id']}?lang=en"))
    assert "Contributions for June 2026" in english and "Rp 59,500" in english
    assert as_other_supervisor.get(f"/supervisor/employers/{employer['id']}").status_code == 404


def test_the_list_is_checked_then_stored_and_its_gaps_shown(as_agent, as_supervisor, org):
    made = make_employers(as_agent)
    content = list_csv(made)
    upload = {"file": (io.BytesIO(content), "disnaker.csv"), "dry_run": "1"}
    dry = _post(as_supervisor, "/supervisor/compliance/upload", upload)
    assert dry.status_code == 200
    page = html(dry)
    assert "Hasil uji (tidak disimpan)" in page and "Baris: 7" in page
    assert "Belum ada daftar dari Disnaker." in page  # nothing stored
    stored = _post(
        as_supervisor,
        "/supervisor/compliance/upload",
        {"file": (io.BytesIO(content), "disnaker.csv"), "reported_on": "2026-06-01"},
    )
    assert stored.status_code == 302
    page = html(as_supervisor.get(stored.headers["Location"]))
    rows = re.findall(r'<tr data-headcount="(\d+)">.*?</tr>', page, re.S)
    assert len(rows) == 7 + 2  # the gap lines and the two proposals
    assert "PT Tidak Terdaftar" in page and "Usulan kecocokan" in page
    assert "Worker gaps" in html(as_supervisor.get("/supervisor/compliance?lang=en"))
    assert "Selisih pekerja" in html(as_supervisor.get("/supervisor/compliance?lang=id"))


def test_a_proposal_confirmed_and_a_visit_planned_and_recorded(as_agent, as_supervisor, org):
    made = make_employers(as_agent)
    _post(
        as_supervisor,
        "/supervisor/compliance/upload",
        {"file": (io.BytesIO(list_csv(made)), "disnaker.csv")},
    )
    proposals = as_supervisor.get("/api/v1/compliance/headcounts?state=proposed").get_json()
    confirmed = _post(
        as_supervisor,
        f"/supervisor/compliance/headcounts/{proposals[0]['id']}",
        {"decision": "confirm"},
    )
    assert confirmed.status_code == 302
    assert len(as_supervisor.get("/api/v1/compliance/headcounts?state=proposed").get_json()) == 1
    largest = as_supervisor.get("/api/v1/compliance/gaps").get_json()[0]
    planned = _post(
        as_supervisor,
        "/supervisor/compliance/visits/plan",
        {"headcount_id": str(largest["headcount_id"]), "planned_on": "2026-06-20", "team": "Tim A"},
    )
    assert planned.status_code == 302
    refused = _post(
        as_supervisor,
        "/supervisor/compliance/visits/plan",
        {"headcount_id": str(largest["headcount_id"]), "planned_on": "2026-06-20", "team": "Tim B"},
    )
    assert refused.status_code == 409
    assert "Kunjungan untuk pemberi kerja ini sudah direncanakan." in html(refused)
    visits = html(as_supervisor.get("/supervisor/compliance/visits"))
    assert "PT Tidak Terdaftar" in visits and "Tim A" in visits
    [visit_id] = re.findall(r'data-visit="(\d+)"', visits)
    future = _post(
        as_supervisor,
        f"/supervisor/compliance/visits/{visit_id}",
        {"outcome": "refused", "visited_on": "2026-06-16"},
    )
    assert future.status_code == 422
    done = _post(
        as_supervisor,
        f"/supervisor/compliance/visits/{visit_id}",
        {"outcome": "refused", "visited_on": "2026-06-15", "note": "pemilik menolak"},
    )
    assert done.status_code == 302
    visited = html(as_supervisor.get("/supervisor/compliance/visits?state=visited&lang=en"))
    assert "Refused" in visited and "pemilik menolak" in visited


def test_another_branch_sees_no_list_and_cannot_decide(
    as_agent, as_supervisor, as_other_supervisor, org
):
    made = make_employers(as_agent)
    _post(
        as_supervisor,
        "/supervisor/compliance/upload",
        {"file": (io.BytesIO(list_csv(made)), "disnaker.csv")},
    )
    other = html(as_other_supervisor.get("/supervisor/compliance"))
    assert "PT Tidak Terdaftar" not in other
    proposal = as_supervisor.get("/api/v1/compliance/headcounts?state=proposed").get_json()[0]
    url = f"/supervisor/compliance/headcounts/{proposal['id']}"
    assert _post(as_other_supervisor, url, {"decision": "confirm"}).status_code == 404


def test_the_regions_view_gains_employer_coverage(as_agent, as_supervisor, org):
    made = make_employers(as_agent)
    _post(
        as_supervisor,
        "/supervisor/compliance/upload",
        {"file": (io.BytesIO(list_csv(made)), "disnaker.csv")},
    )
    page = html(as_supervisor.get("/supervisor/regions?month=2026-06"))
    row = re.search(r'<tr data-region="33.25">.*?</tr>', page, re.S).group(0)
    cells = re.findall(r'<td class="n pu">([^<]*)</td>', row)
    # 5 employers, 10 workers registered; the labour office reported 46 in regency 33.25
    assert cells == ["5", "10", "46"]
    assert "Pemberi kerja" in page
    assert "Employers' workers" in html(as_supervisor.get("/supervisor/regions?lang=en"))

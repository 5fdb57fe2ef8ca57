"""The supervisor's task pages as a supervisor uses them, on a laptop and on a tablet: print a
card batch (the PDF downloaded and counted), revoke with a reason, find a participant and open
the profile, export the renewal list (read back with csv and openpyxl), and a dry-run import of a
CSV with a bad row that shows every problem of that row."""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import openpyxl
import pypdf
import pytest
from sqlalchemy.orm import Session

from perisai.extensions import db as _db
from perisai.months import Month
from tests import factories
from tests.browser.helpers import shot, supervisor_login
from tests.imports.helpers import csv_bytes, rows_of

pytestmark = pytest.mark.today("2026-12-03")
_numbers = itertools.count(1)


@pytest.fixture
def people(live_server, office):
    """A new agent of the supervisor's Wadah and two of its participants, one in grace."""
    tag = f"{office.screen_name.split('-')[0].title()}{next(_numbers)}"
    app = live_server["app"]
    with app.app_context(), Session(_db.engine) as session:
        from perisai.auth.models import User

        supervisor = session.query(User).filter_by(username=live_server["users"]["supervisor"])
        branch_id = supervisor.one().branch_id
        from perisai.agents.models import Wadah

        wadah = session.query(Wadah).filter_by(branch_id=branch_id).first()
        agent = factories.make_agent(session, wadah)
        fresh = factories.make_worker(
            session, agent, full_name=f"Siti Kartu {tag}", covered_until=Month(2026, 12)
        )
        late = factories.make_worker(
            session, agent, full_name=f"Budi Telat {tag}", covered_until=Month(2026, 10)
        )
        session.commit()
        return {
            "tag": tag,
            "agent": agent.agent_code,
            "fresh": (fresh.full_name, fresh.membership_number, fresh.nik),
            "late": (late.full_name, late.membership_number, late.nik),
        }


def saved(download) -> bytes:
    return Path(download.path()).read_bytes()


def opened_pdf(page, button: str) -> bytes:
    """Tap a button of a form that opens its PDF in a new tab; the PDF the server sent (taken
    on its way to the tab, as Chromium's viewer hides it from the page)."""
    answers = []

    def keep(route):
        response = route.fetch()
        answers.append((response.headers.get("content-type"), response.body()))
        route.fulfill(response=response)

    page.context.route("**/supervisor/cards/print*", keep)
    try:
        with page.context.expect_page() as opened:
            page.click(button)
        tab = opened.value
        tab.wait_for_load_state()
        assert answers, "the form's POST was not answered"
        tab.close()
    finally:
        page.context.unroute("**/supervisor/cards/print*", keep)
    kind, body = answers[0]
    assert kind == "application/pdf", body[:300]
    return body


def test_print_a_card_batch_and_revoke_a_card(office, live_server, people):
    supervisor_login(office, live_server["users"]["supervisor"])
    office.click("header nav >> text=Cetak Kartu")
    office.wait_for_selector("h1:has-text('Cetak Kartu')")
    name, _, nik = people["fresh"]
    row = office.locator("#print-form tr", has_text=name)
    # the queue is in village and name order, 50 a page: page on as a supervisor would
    while not row.count():
        office.click("main nav.pager >> text=Berikutnya")
        office.wait_for_load_state()
    assert nik not in office.inner_text("main")
    row.locator("input[type=checkbox]").check()
    office.check("input[name=back]")
    shot(office, f"supervisor-cards-{office.screen_name}")
    pdf = opened_pdf(office, "button:has-text('Cetak dan catat (PDF)')")
    assert pdf.startswith(b"%PDF")
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 2  # the fronts and the backs
    office.reload()
    assert name not in office.inner_text("#print-form")  # printed: out of the queue
    log_row = office.locator("#print-log tr", has_text=name)
    assert log_row.count() == 1
    log_row.locator("select[name=reason]").select_option("damaged")
    log_row.locator("button:has-text('Cabut kartu')").click()
    office.wait_for_selector("p.ok:has-text('Kartu dicabut.')")
    assert "dicabut" in office.locator("#print-log tr", has_text=name).inner_text()
    office.click("nav.pager >> text=Kartu diganti/dicabut")
    assert name in office.inner_text("#print-form")  # to print a new card for


def test_find_a_participant_and_read_the_profile(office, live_server, people):
    supervisor_login(office, live_server["users"]["supervisor"])
    office.click("header nav >> text=Cari Peserta")
    name, _, nik = people["fresh"]
    office.fill("input[name=q]", "x")
    office.click("#search-form button")
    assert "paling sedikit 2 huruf" in office.inner_text("main")
    office.go_back()
    office.fill("input[name=q]", nik)  # a full NIK: found, and never put into the address
    office.click("#search-form button")
    office.wait_for_selector(f"main a:has-text('{name}')")
    assert nik not in office.url and nik not in office.inner_text("main")
    office.click(f"main a:has-text('{name}')")
    office.wait_for_selector("#facts")
    office.reload()  # the first opening is now in the trail of who read the record
    assert live_server["users"]["supervisor"] in office.inner_text("#reads")
    shot(office, f"supervisor-participant-{office.screen_name}")
    office.click("header .tools a[hreflang=en]")
    office.wait_for_selector("html[lang=en]")
    assert "Who read this record" in office.inner_text("main")


def test_export_the_renewal_follow_up(office, live_server, people):
    supervisor_login(office, live_server["users"]["supervisor"])
    office.click("header nav >> text=Tindak Lanjut Perpanjangan")
    agent_value = office.eval_on_selector(
        "select[name=agent]",
        f"s => [...s.options].find(o => o.text.startsWith('{people['agent']} ')).value",
    )
    office.select_option("select[name=agent]", agent_value)
    office.click("#renewal-filters button")
    office.wait_for_url(f"**agent={agent_value}**")
    table = office.inner_text("#renewals")
    assert people["late"][0] in table and people["fresh"][0] in table
    shot(office, f"supervisor-renewals-{office.screen_name}")
    with office.expect_download() as got_csv:
        office.click("p.downloads >> text=CSV")
    rows = list(csv.reader(io.StringIO(saved(got_csv.value).decode("utf-8-sig"))))
    assert rows[0][0] == "Agen"
    by_name = {row[4]: row for row in rows[1:]}
    assert set(by_name) == {people["late"][0], people["fresh"][0]}
    assert by_name[people["late"][0]][5] == "grace"
    with office.expect_download() as got_xlsx:
        office.click("p.downloads >> text=XLSX")
    sheet = openpyxl.load_workbook(io.BytesIO(saved(got_xlsx.value))).active
    names = {row[4] for row in list(sheet.iter_rows(values_only=True))[1:]}
    assert names == set(by_name)


def test_a_dry_run_shows_every_problem_of_a_bad_row(office, live_server, people, tmp_path):
    supervisor_login(office, live_server["users"]["supervisor"])
    office.click("header nav >> text=Impor Peserta")
    office.wait_for_selector("form.upload")
    rows = rows_of(2, start=8000 + next(_numbers) * 10)
    rows[0]["birth_date"] = "05/07/1990"
    rows[1].update(gender="X", phone="12", occupation="astronot", village_code="99.99.99.9999")
    path = tmp_path / "peserta.csv"
    path.write_bytes(csv_bytes(rows))
    office.set_input_files("input[type=file]", str(path))
    office.select_option("select[name=agent_code]", people["agent"])
    office.click("button[value=dry_run]")
    office.wait_for_selector("table.problems")
    office.wait_for_selector("#job-state:has-text('Sudah diperiksa')")
    problems = office.inner_text("table.problems")
    for column in ("jenis_kelamin", "no_hp", "pekerjaan", "kode_desa"):
        assert column in problems, (column, problems)
    assert office.inner_text("#count-valid") == "1"
    assert office.locator("header nav").is_visible()
    shot(office, f"supervisor-import-{office.screen_name}")


@pytest.fixture
def november(live_server):
    """An agent of the other branch's Wadah whose participant paid in November (once a run):
    that branch is the other supervisor's, whose months no other browser test closes."""
    app = live_server["app"]
    if "november_agent" not in live_server:
        from datetime import date

        from perisai import clock
        from perisai.agents.models import Wadah
        from perisai.auth.models import User
        from tests.commissions.helpers import new_paying_workers

        with app.app_context(), Session(_db.engine) as session, clock.travel("2026-11-10"):
            name = live_server["users"]["other_supervisor"]
            branch_id = session.query(User).filter_by(username=name).one().branch_id
            wadah = session.query(Wadah).filter_by(branch_id=branch_id).first()
            agent = factories.make_agent(session, wadah)
            new_paying_workers(session, agent, 1, date(2026, 11, 10))
            session.commit()
            live_server["november_agent"] = agent.agent_code
    return live_server["november_agent"]


def test_close_november_and_open_a_closed_statement(office, live_server, november):
    supervisor_login(office, live_server["users"]["other_supervisor"])
    office.click("header nav >> text=Tutup bulan komisi")
    office.fill("input[name=close]", "2026-11")
    office.click("#preview-form button")
    office.wait_for_selector("#statements")
    row = office.locator(f"#statements tr[data-agent='{november}']")
    if office.locator("#close-form").count():  # the first screen size closes it
        assert "perkiraan" in row.inner_text()
        confirm = office.locator("#close-form button")
        assert "2026-11" in confirm.inner_text()
        for box in office.locator("#close-form input[type=checkbox]").all():
            box.check()  # each earlier open month, named on the page
        confirm.click()
        office.wait_for_selector("#closed")
    else:
        assert live_server.get("closed_once"), "the close form was not shown"
    live_server["closed_once"] = True
    row = office.locator(f"#statements tr[data-agent='{november}']")
    assert "ditutup" in row.inner_text()
    shot(office, f"supervisor-months-{office.screen_name}")
    answers = []

    def keep(route):
        response = route.fetch()
        answers.append((response.headers.get("content-type"), response.body()))
        route.fulfill(response=response)

    office.route("**/api/v1/commissions/statements/*.pdf", keep)
    href = row.locator("a.pdf").get_attribute("href")
    row.locator("a.pdf").click()  # the statement opens in the tab, as a PDF
    office.wait_for_url(f"**{href}")
    office.unroute("**/api/v1/commissions/statements/*.pdf", keep)
    kind, body = answers[0]
    assert kind == "application/pdf" and body.startswith(b"%PDF")

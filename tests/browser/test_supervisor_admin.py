"""Wadah and agent administration as a supervisor does it, on a laptop and on a tablet: create a
Wadah (a PKS over a year refused on its field), add an agent to it whose new login signs in,
suspend an agent and be refused its reinstatement with the date, dismiss an agent with a reason
and move its participants to another agent through the confirmation; both languages. Every step
taps what the page shows and follows the links it renders."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent, Wadah
from perisai.auth.models import User
from perisai.commissions import standing
from perisai.extensions import db as _db
from perisai.supervisor import formats
from perisai.workers.models import Worker
from tests import factories
from tests.browser.helpers import shot, supervisor_login

pytestmark = pytest.mark.today("2026-12-03")
_numbers = itertools.count(1)


def _tag(office) -> str:
    return f"{office.screen_name[:3].upper()}{next(_numbers)}"


def _error_of(office, field: str) -> str:
    return office.inner_text(f"[data-error-for={field}]")


def test_create_a_wadah_and_an_agent_whose_login_signs_in(office, live_server):
    tag = _tag(office)
    supervisor_login(office, live_server["users"]["supervisor"])
    office.click("header nav >> text=Wadah & Agen")
    office.wait_for_selector("h1:has-text('Wadah dan Agen')")
    assert "agen aktif (paling sedikit 5)" in office.inner_text("#wadah-list")
    office.click("#new-wadah")
    office.wait_for_selector("#wadah-form")
    office.fill("#f-name", f"Wadah Roban {tag}")
    office.fill("#f-pks_number", f"PKS/ROBAN/{tag}")
    office.fill("#f-pks_start", "2026-12-01")
    office.fill("#f-pks_end", "2027-12-31")  # more than a year
    office.fill("#f-bank_name", "BRI")
    office.fill("#f-bank_account", "0021-01-000777-50-1")
    office.fill("#f-monthly_target", "30")
    office.click("#wadah-form button[type=submit]")
    office.wait_for_selector("[data-error-for=pks_end]")
    assert _error_of(office, "pks_end") == "Masa PKS paling lama 1 tahun."
    assert office.input_value("#f-name") == f"Wadah Roban {tag}"  # what was typed stays
    shot(office, f"supervisor-wadah-refused-{office.screen_name}")
    office.fill("#f-pks_end", "2026-12-20")  # ends within 30 days
    office.click("#wadah-form button[type=submit]")
    office.wait_for_selector("#done:has-text('Wadah dibuat.')")
    warnings = office.inner_text("#wadah-warnings")
    assert "PKS berakhir 20 Des 2026" in warnings and "Hanya 0 agen aktif" in warnings

    office.click("#add-agent")
    office.wait_for_selector("#agent-form")
    assert office.eval_on_selector("#f-wadah", "s => s.selectedOptions[0].text") == (
        f"Wadah Roban {tag}"
    )
    office.fill("#f-agent_code", f"prs-rb-{tag}")
    office.fill("#f-full_name", f"Wati Roban {tag}")
    office.fill("#f-nik", "33250112")  # too short
    office.fill("#f-phone", "0812 5555 0101")
    office.fill("#f-joined_on", "2026-12-01")
    username = f"wati.{tag.lower()}"
    office.fill("#f-username", username)
    office.fill("#f-password", "awal-rahasia-01")
    office.click("#agent-form button[type=submit]")
    office.wait_for_selector("[data-error-for=nik]")
    assert _error_of(office, "nik") == "NIK harus 16 digit."
    assert office.input_value("#f-password") == ""  # a password is never sent back
    office.fill("#f-nik", factories.valid_nik(birth=date(1992, 4, 9)))
    office.fill("#f-password", "awal-rahasia-01")
    office.click("#agent-form button[type=submit]")
    office.wait_for_selector("#done:has-text('Agen dan akun masuknya dibuat')")
    assert office.inner_text("[data-login]") == username
    assert f"PRS-RB-{tag}" in office.inner_text("h1")
    shot(office, f"supervisor-agent-created-{office.screen_name}")

    signing_in = office.context.browser.new_context(base_url=live_server["url"])
    try:
        answer = signing_in.request.post(
            "/api/v1/auth/login", data={"username": username, "password": "awal-rahasia-01"}
        )
        assert answer.status == 200, answer.text()
        assert answer.json()["user"]["agent_code"] == f"PRS-RB-{tag}"
    finally:
        signing_in.close()

    office.click(f"#agent-admin a:has-text('Wadah Roban {tag}')")  # back to its Wadah
    office.wait_for_selector("#wadah-warnings")
    assert "Hanya 1 agen aktif" in office.inner_text("#wadah-warnings")
    office.click("header .tools a[hreflang=en]")
    office.wait_for_selector("html[lang=en]")
    assert "Only 1 active agent (at least 5)" in office.inner_text("#wadah-warnings")
    office.click("#edit-wadah")
    office.wait_for_selector("h1:has-text('Edit Wadah')")
    office.fill("#f-monthly_target", "")
    office.click("#wadah-form button[type=submit]")
    office.wait_for_selector("[data-error-for=monthly_target]")
    assert _error_of(office, "monthly_target") == "Missing data for required field."
    office.fill("#f-monthly_target", "35")
    office.click("#wadah-form button[type=submit]")
    office.wait_for_selector("#done:has-text('Wadah changes saved.')")
    office.click("header .tools a[hreflang=id]")
    office.wait_for_selector("html[lang=id]")


@pytest.fixture
def team(live_server, office):
    """A Wadah of the supervisor's branch with two active agents, the first managing three
    participants."""
    tag = _tag(office)
    app = live_server["app"]
    with app.app_context(), Session(_db.engine) as session:
        name = live_server["users"]["supervisor"]
        branch = session.scalars(select(User).where(User.username == name)).one().branch
        wadah = factories.make_wadah(
            session, branch, name=f"Wadah Tim {tag}", pks_end=date(2026, 12, 31)
        )
        leaving = factories.make_agent(session, wadah, full_name=f"Andi Pergi {tag}")
        staying = factories.make_agent(session, wadah, full_name=f"Bayu Tetap {tag}")
        people = [
            factories.make_worker(session, leaving, full_name=f"Peserta {tag} {n}")
            for n in range(3)
        ]
        session.commit()
        return {
            "wadah": wadah.name,
            "leaving": (leaving.agent_code, leaving.full_name),
            "staying": (staying.agent_code, staying.full_name),
            "people": [(w.id, w.full_name) for w in people],
        }


def test_suspend_refused_reinstatement_dismiss_and_reassign(office, live_server, team):
    code, name = team["leaving"]
    supervisor_login(office, live_server["users"]["supervisor"])
    office.click("header nav >> text=Wadah & Agen")
    office.click(f"#wadah-list a:has-text('{team['wadah']}')")
    office.wait_for_selector("#wadah-warnings")
    office.click(f"main table a:has-text('{name}')")
    office.wait_for_selector("#agent-admin")

    office.click("#suspend")
    office.wait_for_selector("#done:has-text('Agen dinonaktifkan sementara.')")
    earliest = standing.add_months(date(2026, 12, 3), 6)  # the rule's reactivation months
    assert f"mulai {formats.day(earliest, 'id')}" in office.inner_text("#reinstate-from")
    office.click("#reinstate")
    office.wait_for_selector("#action-error")
    refused = office.inner_text("#action-error")
    on = formats.day(earliest, "id")
    assert refused == f"Agen yang ditangguhkan baru dapat diaktifkan kembali mulai {on}."
    shot(office, f"supervisor-reinstate-refused-{office.screen_name}")

    office.click("#dismiss")
    office.wait_for_selector("#dismiss-form")
    assert "mengelola 3 peserta" in office.inner_text("#dismiss-portfolio")
    office.select_option("#f-reason", "other")
    office.click("#dismiss-form button[type=submit]")
    office.wait_for_selector("[data-error-for=note]")
    assert _error_of(office, "note") == 'Tuliskan alasannya bila memilih "lainnya".'
    office.select_option("#f-reason", "fraud")
    office.click("#dismiss-form button:has-text('Ya, berhentikan')")
    office.wait_for_selector("#done:has-text('Agen diberhentikan.')")
    assert "masih mengelola 3 peserta" in office.inner_text("#must-reassign")
    assert office.locator("#suspend, #reinstate, #dismiss").count() == 0
    assert "Kecurangan" in office.inner_text("#status-history")

    office.click("#must-reassign a")
    office.wait_for_selector("#reassign-form")
    staying_code, staying_name = team["staying"]
    office.select_option("#f-to_agent_code", staying_code)
    office.check("input[name=which][value=chosen]")
    for worker_id, _ in team["people"][:2]:
        office.check(f"tr[data-worker='{worker_id}'] input[type=checkbox]")
    office.click("#reassign-form button:has-text('Lanjut')")
    office.wait_for_selector("#confirm-text")
    assert office.inner_text("#confirm-text") == (
        f"Pindahkan 2 peserta dari {name} ({code}) ke {staying_name} ({staying_code})?"
    )
    shot(office, f"supervisor-reassign-confirm-{office.screen_name}")
    office.click("#reassign-confirm button:has-text('Ya, pindahkan')")
    office.wait_for_selector("#done:has-text('2 peserta dialihkan.')")
    assert "masih mengelola 1 peserta" in office.inner_text("#must-reassign")

    office.click("header .tools a[hreflang=en]")
    office.wait_for_selector("html[lang=en]")
    assert "still manages 1 participant:" in office.inner_text("#must-reassign")
    office.click("#reassign")
    office.wait_for_selector("#reassign-form")
    office.click("#reassign-form button:has-text('Continue')")  # no agent chosen
    office.wait_for_selector("[data-error-for=to_agent_code]")
    assert _error_of(office, "to_agent_code") == "Choose the agent to move them to."
    office.select_option("#f-to_agent_code", staying_code)
    office.click("#reassign-form button:has-text('Continue')")  # the whole portfolio
    assert office.inner_text("#confirm-text") == (
        f"Move 1 participant from {name} ({code}) to {staying_name} ({staying_code})?"
    )
    office.click("#reassign-confirm button:has-text('Yes, move them')")
    office.wait_for_selector("#done:has-text('1 participant moved.')")
    assert office.locator("#must-reassign").count() == 0
    assert "Terminated" in office.inner_text("[data-agent-status]")
    office.click("header .tools a[hreflang=id]")
    office.wait_for_selector("html[lang=id]")

    app = live_server["app"]
    with app.app_context(), Session(_db.engine) as session:
        staying = session.scalars(select(Agent).where(Agent.agent_code == staying_code)).one()
        managers = {session.get(Worker, worker_id).managed_by_id for worker_id, _ in team["people"]}
        assert managers == {staying.id}
        assert session.scalars(select(Agent.status).where(Agent.agent_code == code)).one() == (
            "terminated"
        )
        assert session.scalars(select(Wadah).where(Wadah.name == team["wadah"])).one()

"""Issue 16 at 360 x 640: an agent edits a participant and records a death, offline too, through
the outbox with the version check of API.md ("Participants over time"); a stale edit comes back
as a conflict the agent sees and resolves either way. In Bahasa Indonesia and English.

Each test states its date: the `today` marker moves the server's clock and the phone's clock is
fixed at 10:00 WIB that day.
"""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.contributions.models import Payment
from perisai.contributions.quotes import quote_for_worker
from perisai.extensions import db as _db
from perisai.months import Month
from perisai.regions.models import Region
from perisai.workers.models import Worker
from tests import factories
from tests.browser.helpers import go, login, shot
from tests.conftest import login as api_login

# What the phone's outbox holds (type, state, payload), read from IndexedDB as the app wrote it.
OUTBOX = """() => new Promise((resolve, reject) => {
  const opened = indexedDB.open('perisai');
  opened.onerror = () => reject(opened.error);
  opened.onsuccess = () => {
    const read = opened.result.transaction('outbox').objectStore('outbox').getAll();
    read.onsuccess = () => {
      resolve(read.result.map((r) => ({ type: r.type, state: r.state, payload: r.payload })));
      opened.result.close();
    };
  };
})"""


def _phone_day(context, day: str) -> None:
    context.clock.set_fixed_time(f"{day}T10:00:00+07:00")


@pytest.fixture
def agent(live_server):
    """An agent of its own (username, id), so its participants do not change other tests'
    lists and numbers."""
    app = live_server["app"]
    with app.app_context(), Session(_db.engine) as session:
        wadah = session.get(Agent, live_server["agent_ids"]["agent"]).wadah
        made = factories.make_agent(session, wadah)
        user = factories.make_user(session, "agent", agent=made)
        session.commit()
        return user.username, made.id


def _participant(app, agent_id, name, **values) -> str:
    with app.app_context(), Session(_db.engine) as session:
        worker = factories.make_worker(
            session, session.get(Agent, agent_id), full_name=name, **values
        )
        session.commit()
        return str(worker.id)


def _on_server(app, worker_id) -> Worker:
    with app.app_context(), Session(_db.engine) as session:
        worker = session.get(Worker, uuid.UUID(worker_id))
        session.expunge(worker)
        return worker


def _village(app, code: str, name: str) -> None:
    """A named village in the agent's area (before the login, so the phone caches it)."""
    with app.app_context(), Session(_db.engine) as session:
        factories.make_regions(session, code)
        session.get(Region, code).name = name
        session.commit()


def _open(page, name: str) -> None:
    """From the participants list, as the agent does: search, tap the name."""
    go(page, "participants")
    page.fill("input[name=q]", name)
    page.get_by_role("link", name=name).click()
    page.wait_for_selector("#participant-screen dl.review")


def _resolve(page, name: str) -> None:
    """In the queue, the conflict's own "Resolve" link (the record labelled with the name)."""
    page.locator(f"#queue-list li:has-text('{name}')").get_by_role("link", name="Resolve").click()


def _detail(page, label: str) -> str:
    """The participant screen's value for a label."""
    return page.evaluate(
        "label => { const dt = [...document.querySelectorAll('#participant-screen dt')]"
        ".find((d) => d.innerText.trim() === label); return dt ? dt.nextElementSibling.innerText"
        " : null; }",
        label,
    )


@pytest.mark.today("2026-06-15")
def test_an_edit_made_offline_survives_a_reload_and_reaches_the_server(
    page, context, live_server, agent
):
    app = live_server["app"]
    name = f"Sri Ubah {uuid.uuid4().hex[:6]}"
    worker_id = _participant(app, agent[1], name)
    _village(app, "33.25.01.2003", "Kedungwuni")
    _phone_day(context, "2026-06-15")
    login(page, agent[0])
    _open(page, name)
    assert _detail(page, "Nomor HP").startswith("+62813")
    context.set_offline(True)
    page.get_by_role("link", name="Ubah data").click()
    page.wait_for_selector("#edit-screen")
    # Prefilled with what the participant has now.
    assert page.input_value("input[name=phone]").startswith("+62813")
    assert page.input_value("textarea[name=address]") == "Jl. Pantai 1"
    assert page.input_value("select[name=village_code]") == "33.25.01.2001"
    assert page.input_value("select[name=income_level]") == "1000000"
    assert page.input_value("select[name=b_relationship]") == "istri"
    assert "null" not in page.inner_text("#edit-screen")

    # Checked as at registration: the messages sit on the fields, nothing is queued.
    page.fill("input[name=phone]", "12345")
    page.fill("textarea[name=address]", "J")
    page.fill("input[name=b_phone]", "999")
    page.get_by_role("button", name="Simpan perubahan").click()
    assert page.inner_text("#" + page.get_attribute("input[name=phone]", "id") + "-error") == (
        "Nomor HP harus 08… atau +62… (9–13 digit)."
    )
    assert page.inner_text("#" + page.get_attribute("textarea[name=address]", "id") + "-error") == (
        "Wajib diisi."
    )
    assert "Nomor HP harus" in page.inner_text(
        "#" + page.get_attribute("input[name=b_phone]", "id") + "-error"
    )
    assert page.get_attribute("input[name=phone]", "aria-invalid") == "true"
    assert page.evaluate(OUTBOX) == []
    shot(page, "edit-01-errors")

    page.fill("input[name=phone]", "0812 7777 0101")
    page.fill("textarea[name=address]", "Jl. Baru No. 9")
    page.fill("input[name=b_phone]", "")
    page.select_option("select[name=village_code]", "33.25.01.2003")
    page.fill("input[name=b_name]", "Budi Santoso")
    page.select_option("select[name=b_relationship]", "anak")
    page.fill("input[name=income_typed]", "2.010.000")
    assert page.inner_text("#income-note") == "Nominal terdekat: Rp 2.000.000"
    assert page.input_value("select[name=income_level]") == "2000000"
    page.check("input[name=jht]")
    page.get_by_role("button", name="Simpan perubahan").click()
    page.wait_for_selector("#changes-waiting")

    # Queued with the version the phone holds and only what changed (funding stayed).
    [record] = page.evaluate(OUTBOX)
    assert record["type"] == "worker.update" and record["state"] == "pending"
    assert record["payload"] == {
        "worker_id": worker_id,
        "version": 1,
        "phone": "0812 7777 0101",
        "address": "Jl. Baru No. 9",
        "village_code": "33.25.01.2003",
        "beneficiary": {"full_name": "Budi Santoso", "relationship": "anak", "phone": None},
        "income_level": 2_000_000,
        "programs": ["JKK", "JKM", "JHT"],
    }

    def shows_the_edit():
        banner = page.inner_text("#changes-waiting")
        assert banner == "Perubahan tersimpan di HP dan menunggu kirim."
        assert _detail(page, "Nomor HP").startswith("0812 7777 0101")
        assert "menunggu kirim" in _detail(page, "Nomor HP")
        assert _detail(page, "Alamat (jalan, RT/RW)").startswith("Jl. Baru No. 9")
        assert _detail(page, "Desa/kelurahan").startswith("Kedungwuni")
        assert _detail(page, "Ahli waris").startswith("Budi Santoso (Anak)")
        assert _detail(page, "Program").startswith("JKK, JKM, JHT")
        assert _detail(page, "Nominal penghasilan").startswith("Rp 2.000.000")
        assert "menunggu kirim" not in _detail(page, "Sumber dana iuran")

    shows_the_edit()
    shot(page, "edit-02-waiting-offline")
    page.reload()  # offline: from the service worker and IndexedDB
    page.wait_for_selector("#participant-screen dl.review")
    shows_the_edit()
    assert _on_server(app, worker_id).version == 1

    # A second edit before the sync: the form holds the first one's values, and the one record
    # now carries both (still on version 1).
    page.get_by_role("link", name="Ubah data").click()
    page.wait_for_selector("#edit-screen")
    assert page.input_value("input[name=phone]") == "0812 7777 0101"
    assert page.input_value("select[name=village_code]") == "33.25.01.2003"
    page.select_option("select[name=funding]", "apbdes")
    page.get_by_role("button", name="Simpan perubahan").click()
    page.wait_for_selector("#changes-waiting")
    assert "menunggu kirim" in _detail(page, "Sumber dana iuran")
    [record] = page.evaluate(OUTBOX)
    assert record["payload"]["funding"] == "apbdes" and record["payload"]["version"] == 1
    assert record["payload"]["phone"] == "0812 7777 0101"

    context.set_offline(False)
    page.wait_for_selector("#changes-waiting", state="detached", timeout=40000)
    stored = _on_server(app, worker_id)
    assert stored.version == 2 and stored.phone == "+6281277770101"
    assert stored.address == "Jl. Baru No. 9" and stored.village_code == "33.25.01.2003"
    assert stored.beneficiary_name == "Budi Santoso" and stored.beneficiary_relationship == "anak"
    assert stored.income_level == 2_000_000 and stored.has_jht and stored.funding == "apbdes"
    assert _detail(page, "Nomor HP") == "+6281277770101"
    assert "menunggu kirim" not in page.inner_text("#participant-screen dl.review")
    assert page.evaluate(OUTBOX) == []
    shot(page, "edit-03-synced")


@pytest.mark.today("2026-06-15")
def test_a_stale_edit_is_a_conflict_the_agent_resolves_either_way_in_english(
    page, context, live_server, agent
):
    app = live_server["app"]
    tag = uuid.uuid4().hex[:6]
    mine_name, theirs_name = f"Ayu Mine {tag}", f"Eka Theirs {tag}"
    mine_id = _participant(app, agent[1], mine_name)
    theirs_id = _participant(app, agent[1], theirs_name)
    _phone_day(context, "2026-06-15")
    login(page, agent[0])
    go(page, "more")
    page.click("#lang-switch")
    page.wait_for_selector("text=Language changed.")

    context.set_offline(True)
    _open(page, mine_name)
    page.get_by_role("link", name="Edit details").click()
    page.fill("textarea[name=address]", "Jl. Agen Satu 1")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_selector("#changes-waiting")
    _open(page, theirs_name)
    page.get_by_role("link", name="Edit details").click()
    page.fill("input[name=phone]", "081277770202")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_selector("#changes-waiting")

    # Meanwhile the supervisor changes both participants at the office.
    office = api_login(app, live_server["users"]["supervisor"])
    for worker_id, body in (
        (mine_id, {"version": 1, "address": "Jl. Supervisor 2"}),
        (theirs_id, {"version": 1, "phone": "081277770303"}),
    ):
        response = office.patch(f"/api/v1/workers/{worker_id}", json=body)
        assert response.status_code == 200, response.get_json()

    context.set_offline(False)
    page.get_by_role("link", name="Queue").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#queue-list li[data-state=conflict]').length === 2",
        timeout=40000,
    )
    assert page.inner_text(f"#queue-list li:has-text('{mine_name}') .badge") == "Conflict"
    shot(page, "edit-04-queue-conflicts")

    # Use my data: sent again on the server's version. Offline from the 409 on: what the screen
    # shows of the server is what the phone stored with the answer.
    context.set_offline(True)
    _resolve(page, mine_name)
    page.wait_for_selector("#conflict")
    conflict = page.inner_text("#conflict")
    assert "You edited version 1, but the server now has version 2" in conflict
    row = page.locator("#conflict tr[data-field=address]")
    assert row.locator("td.mine").inner_text() == "Jl. Agen Satu 1"
    assert row.locator("td.theirs").inner_text() == "Jl. Supervisor 2"
    assert page.locator("#conflict tbody tr").count() == 1  # only what the agent changed
    # Until resolved the screen shows the server's copy (stored on the phone with the 409).
    assert _detail(page, "Address (street, RT/RW)") == "Jl. Supervisor 2"
    assert page.locator("#edit-participant").count() == 0
    shot(page, "edit-05-conflict")
    page.get_by_role("button", name="Use my data").click()
    page.wait_for_selector("#conflict", state="detached")
    assert _detail(page, "Address (street, RT/RW)").startswith("Jl. Agen Satu 1")
    assert "waiting to sync" in _detail(page, "Address (street, RT/RW)")
    [again] = [r for r in page.evaluate(OUTBOX) if r["payload"]["worker_id"] == mine_id]
    assert again["state"] == "pending" and again["payload"]["version"] == 2
    context.set_offline(False)
    page.wait_for_selector("#changes-waiting", state="detached", timeout=40000)
    stored = _on_server(app, mine_id)
    assert stored.address == "Jl. Agen Satu 1" and stored.version == 3
    assert _detail(page, "Address (street, RT/RW)") == "Jl. Agen Satu 1"

    # Discard my changes: the server's data stays, on the server and on the phone.
    page.get_by_role("link", name="Queue").click()
    _resolve(page, theirs_name)
    page.wait_for_selector("#conflict")
    row = page.locator("#conflict tr[data-field=phone]")
    assert row.locator("td.mine").inner_text() == "081277770202"
    assert row.locator("td.theirs").inner_text() == "+6281277770303"
    page.get_by_role("button", name="Discard my changes").click()
    page.wait_for_selector("#conflict", state="detached")
    assert _detail(page, "Mobile number") == "+6281277770303"
    assert page.locator("#changes-waiting").count() == 0
    stored = _on_server(app, theirs_id)
    assert stored.phone == "+6281277770303" and stored.version == 2
    page.get_by_role("link", name="Queue").click()
    page.wait_for_selector("#queue-summary:has-text('Everything has been sent.')")
    assert page.evaluate(OUTBOX) == []

    context.set_offline(True)  # the phone's own copy is the server's now
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    _open(page, theirs_name)
    assert _detail(page, "Mobile number") == "+6281277770303"
    page.get_by_role("link", name="Edit details").click()
    assert page.input_value("input[name=phone]") == "+6281277770303"
    shot(page, "edit-06-discarded")
    context.set_offline(False)


@pytest.mark.today("2026-06-15")
def test_a_death_recorded_offline_ends_the_participant(page, context, live_server, agent):
    app = live_server["app"]
    name = f"Wayan Almarhum {uuid.uuid4().hex[:6]}"
    # Two months in arrears: on the renewal list until the death is recorded.
    worker_id = _participant(
        app, agent[1], name, covered_until=Month(2026, 4), first_paid_month=Month(2026, 1)
    )
    _phone_day(context, "2026-06-15")
    login(page, agent[0])
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#stat-waiting")
    go(page, "renewals")
    page.wait_for_selector("#renewal-list li")
    assert name in page.inner_text("#renewal-list")

    _open(page, name)
    page.get_by_role("link", name="Catat meninggal dunia").click()
    page.wait_for_selector("#death-screen")
    error = "#" + page.get_attribute("input[name=died_on]", "id") + "-error"
    page.fill("input[name=died_on]", "2026-06-16")
    page.get_by_role("button", name="Lanjut").click()
    assert page.inner_text(error) == "Tanggal meninggal tidak boleh di masa depan."
    page.fill("input[name=died_on]", "1990-07-04")
    page.get_by_role("button", name="Lanjut").click()
    assert page.inner_text(error) == (
        "Tanggal meninggal tidak boleh sebelum tanggal lahir (1990-07-05)."
    )
    assert page.locator("#death-confirm .confirm").count() == 0
    page.fill("input[name=died_on]", "2026-06-10")
    page.get_by_role("button", name="Lanjut").click()
    assert page.inner_text(error) == ""
    question = page.inner_text("#death-question")
    assert question.startswith(f"Catat bahwa {name} meninggal dunia pada 2026-06-10?")
    shot(page, "edit-07-death-confirm")
    page.get_by_role("button", name="Batal").last.click()  # the confirmation's own "Batal"
    assert page.locator("#death-question").count() == 0
    assert page.evaluate(OUTBOX) == []
    page.get_by_role("button", name="Lanjut").click()
    page.get_by_role("button", name="Ya, catat").click()
    page.wait_for_selector("#ended-died")

    def shows_ended():
        status = _detail(page, "Status")
        assert "Berakhir" in status and "Meninggal dunia" in status
        assert _detail(page, "Tanggal meninggal").startswith("2026-06-10")
        assert "peserta meninggal dunia pada 2026-06-10" in page.inner_text("#ended-died")
        assert page.locator("#take-payment").count() == 0
        assert page.locator("#record-death").count() == 0
        assert page.locator("#edit-participant").count() == 0

    shows_ended()
    assert "menunggu kirim" in _detail(page, "Tanggal meninggal")
    [record] = page.evaluate(OUTBOX)
    assert record["type"] == "worker.death"
    assert record["payload"] == {"worker_id": worker_id, "died_on": "2026-06-10"}
    shot(page, "edit-08-died-offline")
    go(page, "renewals")
    page.wait_for_selector("#renewal-list li")
    assert name not in page.inner_text("#renewal-list")

    context.set_offline(False)
    page.get_by_role("link", name="Peserta").click()
    page.fill("input[name=q]", name)
    page.get_by_role("link", name=name).click()
    page.wait_for_selector("#participant-screen dl.review")
    page.wait_for_selector("#changes-waiting", state="detached", timeout=40000)
    page.wait_for_function(
        "() => !document.querySelector('#participant-screen dl.review')"
        ".innerText.includes('menunggu kirim')",
        timeout=40000,
    )
    stored = _on_server(app, worker_id)
    assert stored.died_on == date(2026, 6, 10) and stored.end_reason == "died"
    shows_ended()
    assert page.evaluate(OUTBOX) == []
    go(page, f"pay/{worker_id}")  # an old link to the pay screen takes nothing either
    page.wait_for_selector("#pay-died")
    assert page.locator("#pay-save").count() == 0
    shot(page, "edit-09-died-synced")


def _rp(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def _quote(app, worker_id: str, months: int, day: date) -> list[int]:
    """The server's price of each of the next `months` months (as it stands now)."""
    with app.app_context(), Session(_db.engine) as session:
        worker = session.get(Worker, uuid.UUID(worker_id))
        return [m.total for m in quote_for_worker(session, worker, months, day).months]


@pytest.mark.today("2026-11-20")
def test_after_an_offline_income_change_arrears_keep_the_old_price(
    page, context, live_server, agent
):
    """The edit takes effect from the next unpaid month (this month): October, in arrears, is
    priced at the old level on the phone as on the server, so the payment taken offline right
    after the edit is accepted as it was priced."""
    app = live_server["app"]
    name = f"Rina Naik {uuid.uuid4().hex[:6]}"
    worker_id = _participant(
        app, agent[1], name, covered_until=Month(2026, 9), first_paid_month=Month(2026, 1)
    )
    october = _quote(app, worker_id, 1, date(2026, 11, 20))[0]  # the old level
    _phone_day(context, "2026-11-20")
    login(page, agent[0])
    context.set_offline(True)
    _open(page, name)
    page.get_by_role("link", name="Ubah data").click()
    page.wait_for_selector("#edit-screen")
    page.fill("input[name=income_typed]", "3.000.000")
    assert page.input_value("select[name=income_level]") == "3000000"
    page.get_by_role("button", name="Simpan perubahan").click()
    page.wait_for_selector("#changes-waiting")

    page.click("#take-payment")
    page.wait_for_selector("#pay-amount strong")
    page.select_option("select[name=months]", "3")
    page.wait_for_selector("#pay-advance")
    arrears = page.inner_text("#pay-arrears")
    assert f"Okt 2026: {_rp(october)}" in arrears
    prices = re.findall(r"(Okt|Nov|Des) 2026: Rp ([\d.]+)", page.inner_text("#pay-amount"))
    amounts = {month: int(value.replace(".", "")) for month, value in prices}
    assert amounts["Nov"] > october and amounts["Des"] == amounts["Nov"]  # the new level
    total = october + 2 * amounts["Nov"]
    assert page.inner_text("#pay-amount strong") == _rp(total)
    page.fill("#pay-cash", str(total))
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    shot(page, "edit-10-priced-offline")

    context.set_offline(False)
    page.wait_for_function(
        "() => !document.querySelector('#receipt').innerText.includes('menunggu sinkron')",
        timeout=40000,
    )
    with app.app_context(), Session(_db.engine) as session:
        [payment] = session.scalars(
            select(Payment).where(Payment.worker_id == uuid.UUID(worker_id))
        ).all()
        assert payment.amount == total
        assert [str(m) for m in payment.covers] == ["2026-10", "2026-11", "2026-12"]
    assert _on_server(app, worker_id).income_level == 3_000_000
    # Synced, the phone holds the server's copy with its pricing: still the same prices.
    _open(page, name)
    body = page.evaluate(
        "id => new Promise((resolve) => { const o = indexedDB.open('perisai'); o.onsuccess ="
        " () => { const r = o.result.transaction('workers').objectStore('workers').get(id);"
        " r.onsuccess = () => { resolve(r.result.pricing); o.result.close(); }; }; })",
        worker_id,
    )
    assert [s["from_month"] for s in body] == [None, "2026-11"]
    assert body[1]["income_level"] == 3_000_000

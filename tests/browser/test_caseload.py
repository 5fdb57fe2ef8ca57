"""The agent's caseload on the phone (360 × 640): a payment recorded elsewhere shows after a
refresh, the renewal list works offline and puts never-paid participants in it, and the card is
shared as a public link that opens the PDF without a login."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents.models import Agent
from perisai.extensions import db as _db
from perisai.months import Month
from tests import factories
from tests.browser.helpers import go, login, shot
from tests.conftest import login as api_login


@pytest.fixture
def agent(live_server):
    """An agent of its own on the shared server (username, id), so what its tests pay does not
    change another test's numbers (commission, renewals) for the demo agent."""
    app = live_server["app"]
    with app.app_context(), Session(_db.engine) as session:
        wadah = session.get(Agent, live_server["agent_ids"]["agent"]).wadah
        made = factories.make_agent(session, wadah)
        user = factories.make_user(session, "agent", agent=made)
        session.commit()
        return user.username, made.id


def make_participant(live_server, agent, name: str, **overrides) -> str:
    """A participant the agent manages, stored on the server (as if registered long ago)."""
    app = live_server["app"]
    with app.app_context(), Session(_db.engine) as session:
        worker = factories.make_worker(
            session, session.get(Agent, agent[1]), full_name=name, **overrides
        )
        session.commit()
        return str(worker.id)


def open_participant(page, name: str) -> None:
    """From the participant list, tap the participant's row, as the agent does."""
    go(page, "participants")
    page.wait_for_selector("#participant-list li a")
    page.get_by_role("link", name=name).click()
    page.wait_for_selector("#take-payment")


def test_a_payment_recorded_on_the_server_shows_on_the_phone_after_refresh(
    page, context, browser, live_server, agent
):
    name = f"Made Caseload {uuid.uuid4().hex[:6]}"
    worker_id = make_participant(live_server, agent, name)
    login(page, agent[0])
    open_participant(page, name)
    assert "Belum ada pembayaran di HP ini." in page.inner_text("section.screen")
    assert "Terdaftar" in page.inner_text("dl.review")

    # The agent's second phone (or the office) records a payment through the API.
    second_device = api_login(live_server["app"], agent[0])
    quote = second_device.get(f"/api/v1/workers/{worker_id}/quote?months=2").get_json()
    sent = {
        "id": str(uuid.uuid4()),
        "months": 2,
        "amount": quote["total"],
        "paid_on": clock.today().isoformat(),
        "channel": "cash",
    }
    response = second_device.post(f"/api/v1/workers/{worker_id}/payments", json=sent)
    assert response.status_code == 201, response.get_json()
    receipt_number = response.get_json()["receipt_number"]

    go(page, "participants")
    page.get_by_role("button", name="Segarkan").click()
    row = page.get_by_role("link", name=name)
    until = Month.of(clock.today()) + 1
    page.wait_for_function(
        "name => [...document.querySelectorAll('#participant-list a')].some("
        "a => a.textContent.includes(name) && a.textContent.includes('s.d.'))",
        arg=name,
    )
    # Offline from here: what shows is what the phone stored from the caseload.
    context.set_offline(True)
    row.click()
    page.wait_for_selector("#take-payment")
    screen = page.inner_text("section.screen")
    assert "Aktif" in page.inner_text("dl.review")
    assert receipt_number in screen and "2 bulan" in screen
    assert "Belum ada pembayaran" not in screen
    assert str(until.year) in page.inner_text("dl.review")
    shot(page, "caseload-01-paid-elsewhere")
    context.set_offline(False)

    # Its receipt, shared online: the text goes with a public link to the receipt PDF.
    page.get_by_role("link", name=receipt_number).click()
    page.wait_for_selector("#receipt")
    page.get_by_role("button", name="Bagikan").click()
    link = page.wait_for_selector("#share-out a.share-link")
    url = link.get_attribute("href")
    assert "/l/receipt/" in url
    shot(page, "caseload-04-receipt-link")
    stranger = browser.new_context()  # the participant's phone: no session
    try:
        response = stranger.request.get(url)
        assert response.status == 200 and response.body().startswith(b"%PDF")
    finally:
        stranger.close()


def test_the_offline_renewal_list_puts_never_paid_participants_after_grace(
    page, context, live_server, agent
):
    tag = uuid.uuid4().hex[:6]
    never = f"Ketut Belum Bayar {tag}"
    grace = f"Nyoman Menunggak {tag}"
    make_participant(live_server, agent, never)
    make_participant(live_server, agent, grace, covered_until=Month.of(clock.today()) - 2)
    login(page, agent[0])
    context.set_offline(True)
    page.reload()  # from the service worker and IndexedDB only
    page.wait_for_selector("#stat-waiting")
    go(page, "renewals")
    page.wait_for_selector("#renewal-list li")
    items = page.locator("#renewal-list li").all_inner_texts()
    names = [text.split("\n")[0] for text in items]
    assert grace in names and never in names
    assert names.index(grace) < names.index(never)
    never_row = items[names.index(never)]
    assert "Belum pernah membayar" in never_row and "Rp" in never_row
    assert "2 bln tertunggak" in items[names.index(grace)]
    shot(page, "caseload-02-renewals-offline")
    page.get_by_role("link", name=never).click()  # the visit: take the first payment
    page.wait_for_selector("#pay-amount strong")
    context.set_offline(False)


def test_share_card_gives_a_link_that_opens_the_pdf_without_a_login(
    page, context, browser, live_server, agent
):
    name = f"Wayan Bagikan {uuid.uuid4().hex[:6]}"
    make_participant(live_server, agent, name)
    login(page, agent[0])
    open_participant(page, name)

    context.set_offline(True)
    page.click("#share-card")
    page.wait_for_selector("#share-out [role=status]")
    assert "Tautan perlu koneksi internet" in page.inner_text("#share-out")
    context.set_offline(False)

    page.click("#share-card")
    link = page.wait_for_selector("#share-out a.share-link")
    url = link.get_attribute("href")
    assert "/l/card/" in url and "berlaku s.d." in page.inner_text("#share-out")
    shot(page, "caseload-03-share-link")

    stranger = browser.new_context()  # a participant's phone: no session, no cookie
    try:
        response = stranger.request.get(url)
        assert response.status == 200
        assert response.body().startswith(b"%PDF")
        assert response.headers["x-robots-tag"] == "noindex"
    finally:
        stranger.close()

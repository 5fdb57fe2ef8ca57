"""The PWA's registration asks for consent per channel (WhatsApp, SMS), ticked by nobody in
advance, and sends the choice with the registration (Debian's Chromium, tests/browser)."""

from __future__ import annotations

import time

import pytest

from perisai.extensions import db
from perisai.workers.models import Worker
from tests.browser.helpers import choose_place, go, login, workers_on_server
from tests.factories import valid_nik

pytestmark = pytest.mark.browser


def _synced(app, agent_id, name: str, timeout: float = 30):
    """The participants of that name on the server, once the phone's outbox sent them."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := [w for w in workers_on_server(app, agent_id) if w.full_name == name]:
            return found
        time.sleep(0.2)
    pytest.fail(f"{name} never reached the server")


def test_the_agent_records_which_channels_the_participant_agreed_to(page, live_server):
    login(page, live_server["users"]["agent"])
    go(page, "register/new")
    page.wait_for_selector("input[name=nik]")
    page.fill("input[name=nik]", valid_nik(7311))
    page.fill("input[name=full_name]", "Peserta Saluran")
    page.fill("input[name=phone]", "081300007311")
    page.click("#reg-next")
    page.wait_for_selector("select[name=occupation]")
    page.select_option("select[name=occupation]", "nelayan")
    page.select_option("select[name=income_level]", "1000000")
    page.click("#reg-next")
    choose_place(page)
    page.click("#reg-next")
    page.wait_for_selector("input[name=b_name]")
    page.fill("input[name=b_name]", "Siti Aminah")
    page.select_option("select[name=b_relationship]", "istri")
    page.click("#reg-next")
    page.wait_for_selector("#consent")
    assert not page.is_checked("input[name=channel_whatsapp]")
    assert not page.is_checked("input[name=channel_sms]")
    page.check("#consent")
    page.check("input[name=channel_whatsapp]")
    page.click("#reg-next")
    page.wait_for_selector("dl.review")
    assert page.inner_text("dd[data-field=channels]") == "WhatsApp"
    page.click("#reg-next")
    page.wait_for_selector("#take-payment")

    app, agent_id = live_server["app"], live_server["agent_ids"]["agent"]
    (stored,) = _synced(app, agent_id, "Peserta Saluran")
    with app.app_context():
        worker = db.session.get(Worker, stored.id)
        assert worker.message_channels == ["whatsapp"]
        assert worker.consents[0].notice_version
        db.session.remove()

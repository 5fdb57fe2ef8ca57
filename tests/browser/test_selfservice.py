"""The participant's own status page /cek on a phone (360 × 640), filled in as a person would:
without JavaScript too (a plain form), in Bahasa Indonesia and then English."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents.models import Agent
from perisai.extensions import db as _db
from tests import factories
from tests.browser.conftest import SCREENSHOTS


@pytest.fixture
def participant(live_server):
    """A participant in grace (last paid two months ago) managed by the demo agent."""
    app = live_server["app"]
    with app.app_context(), Session(_db.engine) as session:
        agent = session.get(Agent, live_server["agent_ids"]["agent"])
        worker = factories.make_worker(
            session,
            agent,
            full_name="Ni Luh Putu Ayu Saraswati Dewi",
            female=True,
            birth_date=date(1988, 3, 14),
            covered_until=clock.this_month() - 2,
        )
        session.commit()
        return {
            "number": worker.membership_number,
            "agent_name": agent.full_name,
            "agent_phone": agent.phone,
        }


def fill_and_check(page, participant, birth: str) -> None:
    page.fill("input[name=membership_number]", participant["number"])
    page.fill("input[name=birth_date]", birth)
    page.click("form.check button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_participant_checks_their_status_on_a_phone(
    browser, live_server, participant, javascript
):
    context = browser.new_context(
        base_url=live_server["url"],
        viewport={"width": 360, "height": 640},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    try:
        page.goto("/cek")
        assert page.locator("html").get_attribute("lang") == "id"
        assert page.locator("h1, header").first.inner_text().strip() == "Cek Status Kepesertaan"
        # Nothing wider than the phone: no sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        button = page.locator("form.check button[type=submit]").bounding_box()
        assert button["height"] >= 44 and button["width"] >= 280  # a thumb's target
        suffix = "js" if javascript else "nojs"
        page.screenshot(path=str(SCREENSHOTS / f"cek-form-{suffix}.png"))

        fill_and_check(page, participant, "1988-03-15")  # one day off: refused, nothing shown
        assert "Data tidak ditemukan" in page.inner_text("main")
        assert "Ni L***" not in page.inner_text("main")

        fill_and_check(page, participant, "1988-03-14")
        text = page.inner_text("main")
        assert "Ni L*** P*** A*** S*** D***" in text and "Masa tenggang" in text
        assert "Rp " in text and participant["agent_name"] in text
        phone = page.locator("a.phone")
        assert phone.get_attribute("href") == f"tel:{participant['agent_phone']}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(SCREENSHOTS / f"cek-answer-{suffix}.png"), full_page=True)

        page.click("nav a[hreflang=en]")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "en"
        assert "Check your membership" in page.inner_text("main")
        fill_and_check(page, participant, "1988-03-14")
        assert "Grace period" in page.inner_text("main")
    finally:
        context.close()


def test_the_page_at_laptop_size(browser, live_server, participant):
    context = browser.new_context(
        base_url=live_server["url"], viewport={"width": 1366, "height": 768}, locale="id-ID"
    )
    page = context.new_page()
    try:
        page.goto("/cek?lang=en")
        fill_and_check(page, participant, "1988-03-14")
        assert "Ni L*** P***" in page.inner_text("main")
        sheet = page.locator("main.sheet").bounding_box()
        assert sheet["width"] <= 500  # one readable column, centred
        page.screenshot(path=str(SCREENSHOTS / "cek-answer-laptop.png"))
    finally:
        context.close()

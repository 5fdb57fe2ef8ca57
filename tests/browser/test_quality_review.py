"""The enrolment quality review as a supervisor does it: from the navigation to the month's
flags, into one flag (its participants side by side), a note typed and "Bersihkan" tapped."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy.orm import Session

from perisai.extensions import db as _db
from tests import factories
from tests.browser.helpers import shot, supervisor_login

pytestmark = pytest.mark.today("2026-12-03")
_numbers = itertools.count(1)


@pytest.fixture
def fast_forms(live_server):
    """A new agent of the supervisor's branch whose two forms took seconds: one flag."""
    tag = f"Kilat{next(_numbers)}"
    app = live_server["app"]
    with app.app_context(), Session(_db.engine) as session:
        from perisai.agents.models import Wadah
        from perisai.auth.models import User

        supervisor = session.query(User).filter_by(username=live_server["users"]["supervisor"])
        wadah = session.query(Wadah).filter_by(branch_id=supervisor.one().branch_id).first()
        agent = factories.make_agent(session, wadah)
        for n in range(2):
            factories.make_worker(
                session,
                agent,
                full_name=f"Peserta {tag} {n}",
                registered_on=date(2026, 12, 2),
                capture_seconds=8 + n,
                lat=-6.9 - n * 0.001,
                lon=109.7,
                accuracy_m=10,
            )
        session.commit()  # the quality check runs as the transaction commits
        return {"tag": tag, "agent": agent.agent_code}


def test_a_supervisor_clears_a_flag_after_looking_at_it(office, live_server, fast_forms):
    page = office
    supervisor_login(page, live_server["users"]["supervisor"])
    page.click("nav >> text=Mutu pendaftaran")
    page.wait_for_selector("h1:has-text('Mutu pendaftaran')")
    row = page.locator("tr", has_text=fast_forms["agent"])
    row.locator("a", has_text="Formulir diisi terlalu cepat").click()
    page.wait_for_selector("table.side-by-side")
    assert page.locator("table.side-by-side tbody tr").count() == 2
    assert f"Peserta {fast_forms['tag']} 0" in page.inner_text("table.side-by-side")
    shot(page, f"quality-flag-{page.screen_name}")
    clear = page.locator("form", has=page.locator("button", has_text="Bersihkan"))
    clear.locator("textarea[name=note]").fill("Dua peserta isi formulir ulang dari kertas")
    clear.locator("button", has_text="Bersihkan").click()
    page.wait_for_selector("p.notice:has-text('Tanda dibersihkan')")
    assert page.locator("tr", has_text=fast_forms["agent"]).count() == 0  # no longer open
    page.select_option("select[name=state]", "cleared")
    page.click("form.quality-filter button[type=submit]")
    assert page.locator("tr", has_text=fast_forms["agent"]).count() == 1


def test_the_review_on_a_phone(browser, live_server, fast_forms):
    from tests.browser.conftest import _screen_context

    context = _screen_context(browser, live_server, 360, 640, touch=True)
    page = context.new_page()
    try:
        supervisor_login(page, live_server["users"]["supervisor"])
        page.goto("/supervisor/quality?month=2026-12&lang=en")
        page.locator("tr", has_text=fast_forms["agent"]).locator("a").first.click()
        page.wait_for_selector("table.side-by-side")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, "the page scrolls sideways on a phone"  # the table scrolls itself
        assert page.locator("button", has_text="Clear (not fraud)").is_visible()
        shot(page, "quality-flag-phone")
    finally:
        context.close()

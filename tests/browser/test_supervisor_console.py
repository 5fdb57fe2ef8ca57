"""The supervisor console as a supervisor uses it, on a laptop and on a tablet: sign in, follow
every link the header shows, switch language."""

from __future__ import annotations

import pytest

from tests.browser.helpers import shot, supervisor_login

pytestmark = pytest.mark.today("2026-12-03")


def test_every_header_link_opens_a_page_in_both_languages(office, live_server):
    supervisor_login(office, live_server["users"]["supervisor"])
    links = office.eval_on_selector_all(
        "header nav a", "els => els.map(e => [e.textContent.trim(), e.getAttribute('href')])"
    )
    assert len(links) >= 5, links
    for label, href in links:
        response = office.goto(href)
        assert response.status == 200, (label, href, response.status)
        assert office.locator("main").inner_text().strip(), (label, href)
        assert office.locator("header nav").is_visible()
    shot(office, f"supervisor-last-page-{office.screen_name}")
    assert "Ringkasan" in office.inner_text("header nav")
    office.click("header .tools a[hreflang=en]")
    office.wait_for_selector("html[lang=en]")
    nav = office.inner_text("header nav")
    assert "Overview" in nav and "Ringkasan" not in nav

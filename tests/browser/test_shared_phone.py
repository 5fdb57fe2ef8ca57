"""Two agents on one phone: what the first typed is gone when the second logs in.

The screens with state (the registration form, the participant search) live as long as the page;
the page is never reloaded here, so only the logout itself can empty them.
"""

from __future__ import annotations

import uuid

from tests import factories
from tests.browser.helpers import go, login, register
from tests.factories import PASSWORD

# Every value on the page: its text and what the inputs hold (typed values are not in the text).
PAGE_VALUES = """() => [document.body.innerText,
  ...[...document.querySelectorAll('input, textarea, select')].map((el) => el.value)].join('\\n')"""


def _tab(page, name: str, selector: str) -> None:
    page.click(f"#tabs a[data-tab={name}]")
    page.wait_for_selector(selector)


def test_the_next_agent_sees_nothing_the_last_one_typed(page, live_server):
    users = live_server["users"]
    nik = factories.valid_nik(uuid.uuid4().int % 9000)
    name = f"Peserta Rahasia {uuid.uuid4().hex[:6]}"
    login(page, users["agent"])
    _tab(page, "register", "input[name=nik]")
    page.fill("input[name=nik]", nik)
    page.fill("input[name=full_name]", name)
    _tab(page, "participants", "input[name=q]")
    page.fill("input[name=q]", nik)
    # Both screens keep what was typed while the agent looks elsewhere (as before).
    _tab(page, "register", "input[name=nik]")
    assert page.input_value("input[name=nik]") == nik
    assert page.input_value("input[name=full_name]") == name
    _tab(page, "participants", "input[name=q]")
    assert page.input_value("input[name=q]") == nik

    _tab(page, "more", "#logout")
    page.click("#logout")
    page.wait_for_selector("form.login")
    page.fill("input[name=username]", users["agent2"])
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("#stat-waiting")

    _tab(page, "register", "input[name=nik]")
    assert page.locator("#resume-draft").count() == 0
    assert page.input_value("input[name=nik]") == ""
    assert page.input_value("input[name=full_name]") == ""
    seen = page.evaluate(PAGE_VALUES)
    assert nik not in seen and name not in seen
    _tab(page, "participants", "input[name=q]")
    assert page.input_value("input[name=q]") == ""
    seen = page.evaluate(PAGE_VALUES)
    assert nik not in seen and name not in seen


def test_the_same_agent_logging_in_again_finds_the_form_as_left(page, context, live_server):
    """A session that ended is not another agent: after logging in again the form is still there.

    As agent2: test_offline counts the first agent's new participants of the month."""
    login(page, live_server["users"]["agent2"])
    context.set_offline(True)
    n = uuid.uuid4().int % 9000
    register(page, n, name=f"Peserta Tertunda {n}")  # an unsent record: the sync meets the 401
    go(page, "register/new")
    page.wait_for_selector("input[name=nik]")
    nik = factories.valid_nik(n + 1)
    page.fill("input[name=nik]", nik)
    context.clear_cookies()
    context.set_offline(False)
    page.wait_for_selector("#auth-banner:not(.hidden)", timeout=30000)
    page.click("#auth-banner a")
    page.wait_for_selector("form.login")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    _tab(page, "register", "input[name=nik]")
    assert page.input_value("input[name=nik]") == nik

"""The registration form never moves a field the agent may be typing in."""

from __future__ import annotations

from tests.browser.helpers import go, login
from tests.factories import valid_nik

WATCH_ADDRESS = """() => {
  const box = document.querySelector("textarea[name=address]");
  window.__addressMoves = 0;
  new MutationObserver((records) => {
    for (const r of records) for (const node of r.removedNodes)
      if (node === box || (node.contains && node.contains(box))) window.__addressMoves += 1;
  }).observe(document.querySelector("section.register"), { childList: true, subtree: true });
}"""


def test_choosing_district_and_village_leaves_the_address_box_alone(page, live_server):
    login(page, live_server["users"]["agent"])
    go(page, "register/new")
    page.wait_for_selector("input[name=nik]")
    page.fill("input[name=nik]", valid_nik(4242))
    page.fill("input[name=full_name]", "Peserta Formulir")
    page.fill("input[name=phone]", "081300004242")
    page.click("#reg-next")
    page.wait_for_selector("select[name=occupation]")
    page.select_option("select[name=occupation]", "nelayan")
    page.select_option("select[name=income_level]", "1000000")
    page.click("#reg-next")
    page.wait_for_selector("select[name=district] option[value='33.25.01']", state="attached")
    page.fill("textarea[name=address]", "Jl. Pantai Utara No. 7")  # typed before the village
    page.evaluate(WATCH_ADDRESS)
    page.select_option("select[name=district]", "33.25.01")
    page.wait_for_selector(
        "select[name=village_code] option[value='33.25.01.2001']", state="attached"
    )
    page.select_option("select[name=village_code]", "33.25.01.2001")
    page.wait_for_timeout(300)  # any rebuild the choice triggered has finished
    assert page.evaluate("window.__addressMoves") == 0
    assert page.input_value("textarea[name=address]") == "Jl. Pantai Utara No. 7"
    page.click("#reg-next")
    page.wait_for_selector("input[name=b_name]")

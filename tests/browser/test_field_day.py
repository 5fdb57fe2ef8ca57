"""An agent's day in the field app at 360 x 640 (issue 16): what tripped agents up, driven through
the real UI (tap, type, go offline, reload) and checked on what the agent sees.

As agent2: test_offline counts the first agent's new participants of the month."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.extensions import db as _db
from tests import factories
from tests.browser.helpers import (
    address_beneficiary_consent,
    go,
    login,
    payments_on_server,
    register,
    shot,
    workers_on_server,
)

CONTRADICTING_NIK = "3325015508900009"  # day 55: a woman born 15-08-1990


def _identity(page, nik: str, name: str = "Peserta Lapangan", phone: str = "081312345678"):
    go(page, "register/new")
    page.wait_for_selector("input[name=nik]")
    page.fill("input[name=nik]", nik)
    page.fill("input[name=full_name]", name)
    page.fill("input[name=phone]", phone)


def _steps_after_work(page):
    """Address, beneficiary and consent, up to the review."""
    page.click("#reg-next")
    address_beneficiary_consent(page)


def _sections_text(page) -> str:
    return page.inner_text("section.register")


def _agent_name(app, agent_id) -> str:
    with app.app_context(), Session(_db.engine) as session:
        return session.get(Agent, agent_id).full_name


def _idb_count(page, store: str) -> int:
    return page.evaluate(
        """(store) => new Promise((resolve, reject) => {
          const open = indexedDB.open("perisai");
          open.onsuccess = () => {
            const request = open.result.transaction(store).objectStore(store).count();
            request.onsuccess = () => { resolve(request.result); open.result.close(); };
            request.onerror = () => reject(request.error);
          };
          open.onerror = () => reject(open.error);
        })""",
        store,
    )


def _drafts(page) -> list[str]:
    return page.evaluate(
        """() => new Promise((resolve) => {
          const open = indexedDB.open("perisai");
          open.onsuccess = () => {
            const request = open.result.transaction("kv").objectStore("kv").getAllKeys();
            request.onsuccess = () => {
              resolve(request.result.filter((k) => String(k).startsWith("draft.register.")));
              open.result.close();
            };
          };
        })"""
    )


def test_nik_contradiction_stays_marked_after_lanjut(page, live_server):
    login(page, live_server["users"]["agent2"])
    _identity(page, CONTRADICTING_NIK)
    page.select_option("select[name=gender]", "M")
    gender_error = page.locator("#" + page.get_attribute("select[name=gender]", "id") + "-error")
    assert "Jenis kelamin tidak sesuai dengan NIK" in gender_error.inner_text()
    page.click("#reg-next")
    page.wait_for_timeout(200)
    # Still on step 1, the contradiction (not "required") under the gender field, field marked.
    assert page.locator("input[name=nik]").count() == 1
    assert "Jenis kelamin tidak sesuai dengan NIK" in gender_error.inner_text()
    assert "Wajib diisi" not in gender_error.inner_text()
    assert page.get_attribute("select[name=gender]", "aria-invalid") == "true"
    assert "invalid" in page.get_attribute("select[name=gender]", "class")
    assert page.evaluate("document.activeElement.name") in ("gender", "nik")
    shot(page, "h3-01-nik-contradiction")


def test_no_null_under_the_step_bar_on_any_step(page, live_server):
    login(page, live_server["users"]["agent2"])
    n = uuid.uuid4().int % 9000
    _identity(page, factories.valid_nik(n))
    seen = [_sections_text(page)]
    page.click("#reg-next")
    page.wait_for_selector("select[name=occupation]")
    seen.append(_sections_text(page))
    page.select_option("select[name=occupation]", "nelayan")
    page.select_option("select[name=income_level]", "1000000")
    page.click("#reg-next")
    page.wait_for_selector("select[name=district] option[value='33.25.01']", state="attached")
    seen.append(_sections_text(page))
    page.select_option("select[name=district]", "33.25.01")
    page.wait_for_selector(
        "select[name=village_code] option[value='33.25.01.2001']", state="attached"
    )
    page.select_option("select[name=village_code]", "33.25.01.2001")
    page.fill("textarea[name=address]", "Jl. Pantai Utara No. 7")
    page.click("#reg-next")
    page.wait_for_selector("input[name=b_name]")
    seen.append(_sections_text(page))
    page.fill("input[name=b_name]", "Siti Aminah")
    page.select_option("select[name=b_relationship]", "istri")
    page.click("#reg-next")
    page.wait_for_selector("#consent")
    seen.append(_sections_text(page))
    page.check("#consent")
    page.click("#reg-next")
    page.wait_for_selector("dl.review")
    seen.append(_sections_text(page))
    assert len(seen) == 6
    for step, text in enumerate(seen, start=1):
        assert "null" not in text, f"step {step}: {text[:200]}"


def test_a_half_filled_registration_survives_a_reload_and_start_over_clears_it(page, live_server):
    login(page, live_server["users"]["agent2"])
    n = uuid.uuid4().int % 9000
    nik = factories.valid_nik(n)
    _identity(page, nik, name=f"Peserta Draf {n}", phone="081355550001")
    page.click("#reg-next")
    page.wait_for_selector("select[name=occupation]")
    page.select_option("select[name=occupation]", "nelayan")
    page.select_option("select[name=income_level]", "1000000")
    page.wait_for_timeout(400)  # the draft is written shortly after each change
    page.reload()  # the tab was killed (the camera opened on a cheap phone)
    page.wait_for_selector("#resume-draft")
    offer = page.inner_text("#resume-draft")
    assert f"Peserta Draf {n}" in offer and "langkah 2 dari 6" in offer
    assert nik not in offer  # the NIK is masked in the offer
    shot(page, "h3-02-resume-offer")
    page.click("#resume-yes")
    page.wait_for_selector("select[name=occupation]")
    assert page.input_value("select[name=occupation]") == "nelayan"
    assert page.input_value("select[name=income_level]") == "1000000"
    page.click("text=Kembali")
    page.wait_for_selector("input[name=nik]")
    assert page.input_value("input[name=nik]") == nik
    assert page.input_value("input[name=full_name]") == f"Peserta Draf {n}"

    page.reload()
    page.wait_for_selector("#resume-no")
    page.click("#resume-no")
    page.wait_for_selector("input[name=nik]")
    assert page.input_value("input[name=nik]") == ""
    assert page.input_value("input[name=full_name]") == ""
    page.reload()
    page.wait_for_selector("input[name=nik]")
    assert page.locator("#resume-draft").count() == 0
    go(page, "home")
    page.wait_for_selector("#stat-waiting")
    page.click("#tabs a[data-tab=register]")
    page.wait_for_selector("input[name=nik]")
    assert page.locator("#resume-draft").count() == 0


def test_the_registration_draft_is_deleted_at_logout(page, live_server):
    login(page, live_server["users"]["agent2"])
    _identity(page, factories.valid_nik(uuid.uuid4().int % 9000), name="Peserta Keluar")
    page.wait_for_timeout(400)
    assert len(_drafts(page)) == 1
    page.click("#tabs a[data-tab=more]")
    page.click("#logout")
    page.wait_for_selector("form.login")
    assert _drafts(page) == []
    assert _idb_count(page, "workers") == 0


def test_the_receipt_follows_its_sync_without_leaving_the_screen(page, context, live_server):
    login(page, live_server["users"]["agent2"])
    context.set_offline(True)
    n = uuid.uuid4().int % 9000
    register(page, n, name=f"Peserta Kuitansi {n}")
    page.click("#take-payment")
    page.wait_for_selector("#pay-amount strong")
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    assert "No. kuitansi" in page.inner_text("#receipt")
    assert "menunggu sinkron" in page.inner_text("#receipt")
    context.set_offline(False)
    page.wait_for_function(
        "() => !document.querySelector('#receipt').innerText.includes('menunggu sinkron')",
        timeout=40000,
    )
    text = page.inner_text("#receipt")
    assert "No. kuitansi" in text
    assert page.locator("a:has-text('PDF')").count() == 1
    assert page.evaluate("document.body.dataset.view") == "receipt"
    shot(page, "h3-03-receipt-synced")


def test_english_strings_and_the_agents_name(page, live_server):
    app, agent_id = live_server["app"], live_server["agent_ids"]["agent2"]
    login(page, live_server["users"]["agent2"])
    assert page.inner_text("h1") == f"Halo, {_agent_name(app, agent_id)}"
    page.click("#tabs a[data-tab=more]")
    page.click("#lang-switch")
    page.wait_for_selector("#tabs a[data-tab=home]:has-text('Home')")
    page.click("#tabs a[data-tab=home]")
    page.wait_for_selector("#stat-waiting")
    assert page.inner_text("h1") == f"Hello, {_agent_name(app, agent_id)}"
    try:
        n = uuid.uuid4().int % 9000
        _identity(page, factories.valid_nik(n), name=f"Peserta Inggris {n}")
        page.click("#reg-next")
        page.wait_for_selector("select[name=occupation]")
        labels = page.eval_on_selector_all(
            "select[name=occupation] option", "os => os.slice(1).map(o => o.textContent)"
        )
        assert labels == sorted(labels, key=str.casefold), labels
        page.select_option("select[name=occupation]", "nelayan")
        fisher = page.eval_on_selector(
            "select[name=occupation]", "s => s.options[s.selectedIndex].textContent"
        )
        page.select_option("select[name=income_level]", "1000000")
        _steps_after_work(page)
        page.wait_for_selector("dl.review")
        review = page.inner_text("dl.review")
        assert fisher in review and fisher != "Nelayan", review
        page.click("#reg-next")
        page.wait_for_selector("#take-payment")
        page.click("#take-payment")
        page.wait_for_selector("#pay-amount strong")
        months = page.eval_on_selector_all(
            "select[name=months] option", "os => os.map(o => o.textContent)"
        )
        assert months[:2] == ["1 month", "2 months"]
        page.click("#pay-save")
        page.wait_for_selector("#receipt")
        receipt = page.inner_text("#receipt")
        assert "Receipt no." in receipt and "(1 month)" in receipt
        page.wait_for_selector("#sync-pill.clear", timeout=30000)
        page.click("#tabs a[data-tab=more]")
        page.click("a:has-text('My commission')")
        page.wait_for_selector("section.screen dl.review, section.screen .banner")
        commission = page.inner_text("section.screen")
        shot(page, "h3-04-commission-en")
        if "Acquisition" in commission:
            assert "Acquisition commission" in commission
            assert "Collection commission" in commission
        assert "fee" not in commission.lower()
    finally:
        page.evaluate("localStorage.setItem('perisai.lang', 'id')")


def test_a_payment_waits_for_its_rejected_registration_and_goes_once_fixed(
    page, context, live_server
):
    app, agent_id = live_server["app"], live_server["agent_ids"]["agent2"]
    n = uuid.uuid4().int % 9000
    taken = factories.valid_nik(n, region="332502")
    with app.app_context(), Session(_db.engine) as session:
        factories.make_worker(session, session.get(Agent, agent_id), nik=taken)
        session.commit()
    sent = []
    page.on(
        "request",
        lambda r: sent.append(r.post_data_json) if r.url.endswith("/api/v1/sync") else None,
    )
    login(page, live_server["users"]["agent2"])
    context.set_offline(True)
    name = f"Peserta Tertahan {n}"
    register(page, n, nik=taken, name=name)
    page.click("#take-payment")
    page.wait_for_selector("#pay-amount strong")
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    context.set_offline(False)
    page.click("#tabs a[data-tab=queue]")
    page.wait_for_selector(
        "#queue-list li[data-type='worker.register'][data-state=rejected]", timeout=30000
    )
    page.wait_for_selector("#queue-list li[data-type='payment.record'][data-state=held]")
    payment_item = page.inner_text("#queue-list li[data-type='payment.record']")
    assert "Menunggu pendaftaran" in payment_item
    shot(page, "h3-05-queue-payment-held")
    # The payment never went with (or after) the rejected registration.
    types = [op["type"] for body in sent if body for op in body["operations"]]
    assert "payment.record" not in types, types
    assert not [w for w in workers_on_server(app, agent_id) if w.full_name == name]

    page.click("#queue-list a:has-text('Perbaiki')")
    page.wait_for_selector("input[name=nik]")
    fixed = factories.valid_nik(n + 1, region="332502")
    page.fill("input[name=nik]", fixed)
    for _ in range(5):
        page.click("#reg-next")
    page.wait_for_selector("dl.review")
    page.click("#reg-next")
    page.wait_for_selector("#take-payment")
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    workers = [w for w in workers_on_server(app, agent_id) if w.full_name == name]
    assert len(workers) == 1 and workers[0].nik == fixed
    assert len(payments_on_server(app, [workers[0].id])) == 1
    page.click("#tabs a[data-tab=queue]")
    page.wait_for_selector("#queue-summary:has-text('Semua data sudah terkirim')")


def test_a_supervisor_at_the_field_app_ends_on_the_supervisor_pages(page, live_server):
    page.goto("/app/")
    page.wait_for_selector("form.login")
    page.fill("input[name=username]", live_server["users"]["supervisor"])
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(lambda url: "/supervisor/" in url)
    assert "/supervisor/login" not in page.url
    page.wait_for_load_state()
    assert _idb_count(page, "workers") == 0
    assert _idb_count(page, "payments") == 0
    # Coming back to /app/ with the session still on the phone: sent on again, nothing cached.
    page.goto("/app/")
    page.wait_for_url(lambda url: "/supervisor/" in url)
    assert _idb_count(page, "workers") == 0


def _box(page, selector):
    return page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect();"
        " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }",
    )


def _overlap(a, b) -> bool:
    return not (
        a["bottom"] <= b["top"]
        or b["bottom"] <= a["top"]
        or a["right"] <= b["left"]
        or b["right"] <= a["left"]
    )


def test_toasts_cover_no_title_and_stay_on_their_screen(page, live_server):
    login(page, live_server["users"]["agent2"])
    go(page, "register/new")
    page.wait_for_selector("input[name=nik]")
    page.evaluate("window.scrollTo(0, 0)")
    page.click("#reg-next")  # nothing filled in
    page.wait_for_selector("#toast.show")
    assert page.inner_text("#toast") == "Periksa isian yang ditandai."
    toast = _box(page, "#toast")
    for selector in ["section.register h1", "section.register h2", "#reg-next"]:
        assert not _overlap(toast, _box(page, selector)), selector
    marked = page.evaluate("document.activeElement.getBoundingClientRect().top")
    assert toast["bottom"] <= marked
    shot(page, "h3-06-toast-on-topbar")
    page.click("#tabs a[data-tab=participants]")  # the agent moves on
    page.wait_for_selector("#participant-list")
    assert page.locator("#toast.show").count() == 0

    # A confirmation shown as the app opens the next screen goes along with it.
    register(page, uuid.uuid4().int % 9000)
    assert page.inner_text("#toast") == "Tersimpan di HP; akan dikirim otomatis."
    assert page.locator("#toast.show").count() == 1
    assert not _overlap(_box(page, "#toast"), _box(page, "section.screen h1"))


def test_chips_and_button_rows_fit_360_px(page, context, live_server):
    login(page, live_server["users"]["agent2"])
    page.click("#tabs a[data-tab=participants]")
    page.wait_for_selector("#participant-list")
    rights = page.eval_on_selector_all(
        ".chips .chip", "cs => cs.map(c => c.getBoundingClientRect().right)"
    )
    assert len(rights) == 5 and max(rights) <= 360, rights
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "h3-07-participants-chips")

    context.set_offline(True)
    n = uuid.uuid4().int % 9000
    register(page, n, name=f"Peserta Tombol {n}")
    page.click("#take-payment")
    page.wait_for_selector("#pay-amount strong")
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    buttons = page.eval_on_selector_all(
        "#receipt-screen .row > *",
        "bs => bs.map(b => ({h: b.getBoundingClientRect().height,"
        " right: b.getBoundingClientRect().right, lines: b.getClientRects().length,"
        " text: b.textContent}))",
    )
    assert [b["text"] for b in buttons][-1] == "Ke peserta"
    assert len({round(b["h"]) for b in buttons}) == 1, buttons  # one height, no label wrapped
    assert round(buttons[0]["h"]) <= 46, buttons
    assert max(b["right"] for b in buttons) <= 360
    shot(page, "h3-08-receipt-buttons")

    go(page, "register/new")
    page.wait_for_selector("input[name=nik]")
    context.set_offline(False)
    page.fill("input[name=nik]", factories.valid_nik(n + 1))
    page.fill("input[name=full_name]", "Peserta Tombol Dua")
    page.fill("input[name=phone]", "081300001111")
    page.click("#reg-next")
    page.wait_for_selector("select[name=occupation]")
    page.select_option("select[name=occupation]", "nelayan")
    page.select_option("select[name=income_level]", "1000000")
    _steps_after_work(page)
    page.wait_for_selector("dl.review")
    page.click("text=Kembali")
    page.wait_for_selector("#consent")
    gps = _box(page, "button:has-text('Ambil lokasi GPS')")
    photo = _box(page, "button:has-text('Foto peserta')")
    assert round(gps["bottom"] - gps["top"]) == round(photo["bottom"] - photo["top"])
    assert gps["top"] == photo["top"] and max(gps["right"], photo["right"]) <= 360
    shot(page, "h3-09-consent-buttons")


def test_occupations_by_label_and_the_income_typed_picks_the_nearest_level(page, live_server):
    login(page, live_server["users"]["agent2"])
    _identity(page, factories.valid_nik(uuid.uuid4().int % 9000))
    page.click("#reg-next")
    page.wait_for_selector("select[name=occupation]")
    labels = page.eval_on_selector_all(
        "select[name=occupation] option", "os => os.slice(1).map(o => o.textContent)"
    )
    assert len(labels) > 1 and labels == sorted(labels, key=str.casefold), labels
    levels = [
        int(v)
        for v in page.eval_on_selector_all(
            "select[name=income_level] option", "os => os.slice(1).map(o => o.value)"
        )
    ]
    assert len(levels) > 2
    typed = (levels[1] + levels[2]) // 2 + 1  # a little nearer the third level
    nearest = min(levels, key=lambda level: (abs(level - typed), level))
    assert nearest == levels[2]
    page.fill("input[name=income_typed]", f"{typed:,}".replace(",", "."))
    assert page.input_value("select[name=income_level]") == str(nearest)
    rupiah = "Rp " + f"{nearest:,}".replace(",", ".")
    assert page.inner_text("#income-note") == f"Nominal terdekat: {rupiah}"
    # The field is labelled, for screen readers as for the eye.
    label = page.eval_on_selector(
        "input[name=income_typed]",
        "i => document.querySelector(`label[for='${i.id}']`).textContent",
    )
    assert label == "Penghasilan sebulan (ketik)"
    page.select_option("select[name=occupation]", "nelayan")
    page.wait_for_selector("#monthly-amount strong")
    shot(page, "h3-10-income-typed")
    page.click("#reg-next")
    page.wait_for_selector("textarea[name=address]")
    page.click("text=Kembali")
    page.wait_for_selector("select[name=income_level]")
    assert page.input_value("select[name=income_level]") == str(nearest)


SEED_OLD_PHONE = """([session, worker]) => new Promise((resolve, reject) => {
  const open = indexedDB.open("perisai");
  open.onsuccess = () => {
    const tx = open.result.transaction(["kv", "workers"], "readwrite");
    tx.objectStore("kv").put(session, "session");
    tx.objectStore("workers").put(worker);
    tx.oncomplete = () => { open.result.close(); resolve(); };
    tx.onerror = () => reject(tx.error);
  };
})"""


def test_a_supervisor_session_kept_by_an_older_app_is_sent_on_and_cleared(page, live_server):
    """A phone where a supervisor used the app before this check: its stored session and cached
    participants (put there as the older app did) are dropped on the next start."""
    page.goto("/app/")
    page.wait_for_selector("form.login")
    server = live_server["app"].test_client()
    body = server.post(
        "/api/v1/auth/login",
        json={"username": live_server["users"]["supervisor"], "password": factories.PASSWORD},
    ).get_json()
    assert body["user"]["role"] == "supervisor"
    page.evaluate(SEED_OLD_PHONE, [body, {"id": str(uuid.uuid4()), "full_name": "Peserta Cabang"}])
    assert _idb_count(page, "workers") == 1
    page.reload()
    page.wait_for_url(lambda url: "/supervisor/" in url)
    assert _idb_count(page, "workers") == 0
    assert page.evaluate(
        """() => new Promise((resolve) => { const open = indexedDB.open("perisai");
          open.onsuccess = () => { const r = open.result.transaction("kv").objectStore("kv")
            .get("session"); r.onsuccess = () => { resolve(r.result === undefined);
            open.result.close(); }; }; })"""
    )

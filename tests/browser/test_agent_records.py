"""What a field agent keeps track of on the phone (issue 16): the sync history, what to do about a
NIK registered already, my commission online and offline, rule updates that reach the phone, and
the storage screen with the unsent outbox exported as a file. Driven through the UI at 360 x 640."""

from __future__ import annotations

import json
import uuid

from playwright.sync_api import expect
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from perisai import zones
from perisai.agents.models import Agent
from perisai.errors import Conflict
from perisai.extensions import db as _db
from perisai.months import Month
from tests import factories
from tests.browser.helpers import go, login, register, shot


def rupiah(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def _worker(app, agent_id, **overrides):
    with app.app_context(), Session(_db.engine) as session:
        worker = factories.make_worker(session, session.get(Agent, agent_id), **overrides)
        session.commit()
        return worker.id, worker.full_name


def _branch_name(app, agent_id):
    with app.app_context(), Session(_db.engine) as session:
        return session.get(Agent, agent_id).wadah.branch.name


def _tap_tab(page, name):
    page.click(f"#tabs a[data-tab={name}]")
    page.wait_for_selector(f"body[data-view={name}]")


def test_sync_history_and_what_to_do_about_a_nik_registered_already(page, context, live_server):
    app, users, ids = live_server["app"], live_server["users"], live_server["agent_ids"]
    n = uuid.uuid4().int % 9000
    mine = factories.valid_nik(n, region="332502")
    theirs = factories.valid_nik(n + 1, region="332502")
    mine_id, _ = _worker(app, ids["agent"], nik=mine)
    _worker(app, ids["agent2"], nik=theirs)
    branch = _branch_name(app, ids["agent"])
    fresh = factories.valid_nik(n + 2)
    login(page, users["agent"])
    context.set_offline(True)
    register(page, n + 2, nik=fresh, name=f"Peserta Baru {n}")
    register(page, n, nik=mine, name=f"Peserta Ganda {n}")
    register(page, n + 1, nik=theirs, name=f"Peserta Lain {n}")
    context.set_offline(False)
    _tap_tab(page, "queue")
    expect(page.locator("#queue-list li[data-state=rejected]")).to_have_count(2, timeout=30000)
    expect(page.locator("#sent-list li.sent")).to_have_count(3)

    own = page.locator("#queue-list li", has_text=f"Peserta Ganda {n}")
    own_text = own.inner_text()
    assert "sudah ada di daftar Anda" in own_text
    assert own_text.count("NIK sudah terdaftar") == 1, own_text  # not the same message twice
    assert own.locator("a", has_text="Buka peserta").count() == 1

    other = page.locator("#queue-list li", has_text=f"Peserta Lain {n}")
    other_text = other.inner_text()
    assert f"NIK sudah terdaftar pada agen lain. Jangan daftarkan ulang; tanyakan ke {branch}." in (
        other_text
    )
    assert other_text.count("NIK sudah terdaftar") == 1, other_text
    assert other.locator("a", has_text="Buka peserta").count() == 0
    assert "Kirim ulang" not in own_text and "Kirim ulang" not in other_text  # cannot help
    shot(page, "h5-01-queue-nik-taken")

    # The history: one line per record sent, with the server's answer; masked NIKs only.
    sent = page.locator("#sent-list li.sent")
    statuses = sorted(sent.nth(i).get_attribute("data-status") for i in range(sent.count()))
    assert statuses == ["applied", "rejected", "rejected"]
    history = page.inner_text("#sent-list")
    assert f"Peserta Baru {n}" in history and "Diterima" in history
    assert branch in history  # the rejection's message is kept with it
    for nik in (mine, theirs, fresh):
        assert nik not in history and nik[:4] + "********" + nik[12:] in history
    assert "Sinkron terakhir:" in page.inner_text("#last-sync")
    page.locator("#sent-title").scroll_into_view_if_needed()
    shot(page, "h5-02-sync-history")

    # Kept on the phone: still there after a reload, and in English.
    page.reload()
    page.wait_for_selector("#sent-list li.sent")
    assert page.locator("#sent-list li.sent").count() == 3
    _tap_tab(page, "more")
    page.click("#lang-switch")
    _tap_tab(page, "queue")
    page.wait_for_selector("#sent-list li.sent")
    assert "Sent" in page.inner_text("#sent-title")
    english = page.inner_text("#sent-list")
    assert "Applied" in english and "Rejected" in english
    assert "already in your list" in page.locator("#queue-list li", has_text="Ganda").inner_text()
    page.click("#tabs a[data-tab=more]")
    page.click("#lang-switch")

    _tap_tab(page, "queue")
    page.locator("#queue-list li", has_text=f"Peserta Ganda {n}").locator("a").filter(
        has_text="Buka peserta"
    ).click()
    page.wait_for_selector("#take-payment")
    assert str(mine_id) in page.url


def test_my_commission_online_offline_and_the_closed_month_pdf(page, context, live_server):
    from perisai.commissions import close

    app, users, ids = live_server["app"], live_server["users"], live_server["agent_ids"]
    with app.app_context(), Session(_db.engine) as session:
        agent = session.get(Agent, ids["agent"])
        today = zones.today_of_branch(session, agent.wadah.branch_id)
        this_month = Month.of(today)
        last_month = this_month - 1
        worker = factories.make_worker(
            session, agent, full_name=f"Peserta Komisi {uuid.uuid4().hex[:6]}"
        )
        factories.record_test_payment(session, worker, last_month.first_day())
        factories.record_test_payment(session, worker, today)
        session.commit()
        name = worker.full_name
        branch_id = agent.wadah.branch_id
        try:
            close.close_month(session, month=last_month, branch_ids=[branch_id])
        except Conflict as error:  # earlier months still open: name them, as a supervisor does
            session.rollback()
            earlier = [Month.parse(m) for m in error.extra["open_months"] if m != str(last_month)]
            close.close_month(session, month=last_month, branch_ids=[branch_id], including=earlier)
        session.commit()
    server = app.test_client()
    server.post(
        "/api/v1/auth/login", json={"username": users["agent"], "password": factories.PASSWORD}
    )
    [now] = server.get(f"/api/v1/commissions/statements?month={this_month}").get_json()
    [closed] = server.get(f"/api/v1/commissions/statements?month={last_month}").get_json()
    assert closed["state"] == "closed" and now["state"] == "open"

    login(page, users["agent"])
    _tap_tab(page, "more")
    page.click("a[href='#/commission']")
    page.wait_for_selector("#commission-figures")
    figures = page.inner_text("#commission-figures")
    assert rupiah(now["total"]) in figures and rupiah(now["collection_fee"]) in figures
    assert str(now["new_participants"]) in figures and "Berjalan" in figures
    people = page.inner_text("#commission-participants")
    assert name in people
    shot(page, "h5-03-commission-open")

    page.click(f"#commission-months a[href='#/commission/{last_month}']")
    page.wait_for_selector("#statement-pdf")
    figures = page.inner_text("#commission-figures")
    assert rupiah(closed["total"]) in figures and "Ditutup" in figures
    amounts = page.locator("#commission-participants strong.amount")
    shown = [amounts.nth(i).inner_text() for i in range(amounts.count())]
    assert sum(int(a.removeprefix("Rp ").replace(".", "")) for a in shown) == closed["total"]
    assert name in page.inner_text("#commission-participants")
    with page.expect_download() as download:
        page.click("#statement-pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    shot(page, "h5-04-commission-closed")

    # Offline: the last figures the phone was given, with the time they were fetched.
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#tabs")
    _tap_tab(page, "more")
    page.click("a[href='#/commission']")
    page.wait_for_selector("#commission-stale")
    assert "Luring: angka terakhir dari server, diambil" in page.inner_text("#commission-stale")
    assert rupiah(now["total"]) in page.inner_text("#commission-figures")
    assert name in page.inner_text("#commission-participants")
    shot(page, "h5-05-commission-offline")
    context.set_offline(False)


def test_a_rate_change_reaches_the_phone_and_a_refused_payment_says_so(page, context, live_server):
    from perisai.auth.models import User
    from perisai.contributions.models import IncomeLevel, RateVersion
    from perisai.contributions.quotes import quote_for_worker
    from perisai.workers.models import Worker

    app, users, ids = live_server["app"], live_server["users"], live_server["agent_ids"]
    worker_id, _ = _worker(app, ids["agent"], full_name=f"Peserta Tarif {uuid.uuid4().hex[:6]}")
    login(page, users["agent"])  # the phone holds today's rates
    version_id = None
    try:
        with app.app_context(), Session(_db.engine) as session:
            today = zones.today_of_branch(session, session.get(Agent, ids["agent"]).wadah.branch_id)
            old = quote_for_worker(session, session.get(Worker, worker_id), 1, today).total
            admin = session.scalar(select(User.username).where(User.role == "admin"))
        # The administrator changes the rates from this month on, as in production (admin API).
        office = app.test_client()
        me = office.post(
            "/api/v1/auth/login", json={"username": admin, "password": factories.PASSWORD}
        ).get_json()
        response = office.post(
            "/api/v1/reference/rates",
            json={"effective_from": str(Month.of(today)), "jkm_flat": 7_400, "source": "uji"},
            headers={"X-CSRF-Token": me["csrf_token"]},
        )
        assert response.status_code == 201, response.get_json()
        version_id = response.get_json()["id"]
        with app.app_context(), Session(_db.engine) as session:
            new = quote_for_worker(session, session.get(Worker, worker_id), 1, today).total
        assert new != old

        go(page, f"participant/{worker_id}")
        page.click("#take-payment")
        page.wait_for_selector("#pay-amount strong")
        assert page.inner_text("#pay-amount strong") == rupiah(old)  # priced with what it holds
        page.click("#pay-save")
        page.wait_for_url("**/#/receipt/**")
        _tap_tab(page, "queue")
        page.wait_for_selector("#queue-list li[data-state=rejected]", timeout=30000)
        text = page.inner_text("#queue-list li[data-state=rejected]")
        assert "Tarif iuran sudah berubah sejak pembayaran ini dihitung di HP." in text, text
        assert f"Jumlah baru: {rupiah(new)}" in text
        shot(page, "h5-06-rates-changed")
        # The phone refreshed its reference data: the registration form prices with the new rates.
        _tap_tab(page, "register")
        page.wait_for_selector("input[name=nik]")
        n = uuid.uuid4().int % 9000
        page.fill("input[name=nik]", factories.valid_nik(n))
        page.fill("input[name=full_name]", f"Peserta Harga {n}")
        page.fill("input[name=phone]", f"0813{n:08d}")
        page.click("#reg-next")
        page.select_option("select[name=occupation]", "nelayan")
        page.select_option("select[name=income_level]", "1000000")
        page.wait_for_selector("#monthly-amount strong")
        assert page.inner_text("#monthly-amount strong") == rupiah(new)
    finally:
        if version_id is not None:  # the session's server is shared: its rates go back
            with app.app_context(), Session(_db.engine) as session:
                session.execute(
                    delete(IncomeLevel).where(IncomeLevel.rate_version_id == version_id)
                )
                session.execute(delete(RateVersion).where(RateVersion.id == version_id))
                session.commit()
                assert (
                    session.scalar(select(RateVersion).where(RateVersion.id == version_id)) is None
                )


def test_storage_screen_and_the_unsent_outbox_exported_as_a_file(page, context, live_server):
    users = live_server["users"]
    n = uuid.uuid4().int % 9000
    nik = factories.valid_nik(n)
    login(page, users["agent"])
    context.set_offline(True)
    register(page, n, nik=nik, name=f"Peserta Ekspor {n}")
    _tap_tab(page, "more")
    page.wait_for_selector("#storage")
    persisted = page.get_attribute("#storage-persisted", "data-persisted")
    expected = (
        "Penyimpanan HP dijaga"
        if persisted == "true"
        else "Penyimpanan belum permanen: browser bisa menghapus data"
    )
    assert expected in page.inner_text("#storage-persisted")
    assert persisted == str(page.evaluate("navigator.storage.persisted()")).lower()
    assert "MB" in page.inner_text("#storage-estimate")
    assert "termasuk NIK lengkap" in page.inner_text("#export-warning")
    shot(page, "h5-07-storage")
    with page.expect_download() as download:
        page.click("#export-outbox")
    assert download.value.suggested_filename.endswith(".json")
    with open(download.value.path(), encoding="utf-8") as handle:
        body = json.load(handle)
    [record] = [r for r in body["records"] if r["type"] == "worker.register"]
    assert record["payload"]["nik"] == nik and record["state"] == "pending"
    assert record["payload"]["full_name"] == f"Peserta Ekspor {n}"
    assert body["username"] == users["agent"]
    page.click("#lang-switch")
    page.wait_for_selector("#storage")
    assert "Storage on this phone" in page.inner_text("#storage")
    assert "full NIK included" in page.inner_text("#export-warning")
    assert page.inner_text("#export-outbox") == "Export unsent records (file)"
    page.click("#lang-switch")
    context.set_offline(False)
    page.wait_for_selector("#sync-pill.clear", timeout=30000)

"""The outbox under trouble: a rejected record shown with the server's message and fixed, a
session that expired while offline, and an answer lost on the way back."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.extensions import db as _db
from tests import factories
from tests.browser.helpers import go, login, register, shot, workers_on_server


def _existing_worker(app, agent_id, nik):
    with app.app_context(), Session(_db.engine) as session:
        worker = factories.make_worker(session, session.get(Agent, agent_id), nik=nik)
        session.commit()
        return worker.id


def test_rejected_record_shows_the_message_and_can_be_fixed(page, context, live_server):
    app, agent_id = live_server["app"], live_server["agent_ids"]["agent"]
    n = uuid.uuid4().int % 9000
    taken = factories.valid_nik(n, region="332502")
    existing_id = _existing_worker(app, agent_id, taken)
    login(page, live_server["users"]["agent"])
    context.set_offline(True)
    register(page, n, nik=taken, name=f"Peserta Ganda {n}")
    context.set_offline(False)
    go(page, "queue")
    page.wait_for_selector("#queue-list li[data-state=rejected]", timeout=30000)
    assert "NIK sudah terdaftar." in page.inner_text("#queue-list")
    shot(page, "12-queue-rejected")
    page.click("text=Buka peserta")
    page.wait_for_selector("#take-payment")
    assert str(existing_id) in page.url

    go(page, "queue")
    page.click("#queue-list a:has-text('Perbaiki')")
    page.wait_for_selector("input[name=nik]")
    assert page.input_value("input[name=nik]") == taken
    shot(page, "13-register-fix")
    fixed = factories.valid_nik(n + 1, region="332502")
    page.fill("input[name=nik]", fixed)
    for _ in range(5):
        page.click("#reg-next")
    page.wait_for_selector("dl.review")
    page.click("#reg-next")
    page.wait_for_selector("#take-payment")
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    niks = {w.nik for w in workers_on_server(app, agent_id)}
    assert fixed in niks


def test_session_expired_offline_waits_for_login_then_drains(page, context, live_server):
    app, agent_id = live_server["app"], live_server["agent_ids"]["agent"]
    username = live_server["users"]["agent"]
    login(page, username)
    context.set_offline(True)
    n = uuid.uuid4().int % 9000
    register(page, n, name=f"Peserta Sesi {n}")
    context.clear_cookies()  # the session ended while the phone was away
    context.set_offline(False)
    page.wait_for_selector("#auth-banner:not(.hidden)", timeout=30000)
    assert "Sesi Anda berakhir" in page.inner_text("#auth-banner")
    names = {w.full_name for w in workers_on_server(app, agent_id)}
    assert f"Peserta Sesi {n}" not in names

    go(page, "more")
    page.click("#logout")
    page.wait_for_selector("#logout-warning:not(.hidden)")
    assert "Tidak bisa keluar" in page.inner_text("#logout-warning")
    shot(page, "14-logout-refused")

    page.click("#auth-banner a")
    page.wait_for_selector("form.login")
    assert page.input_value("input[name=username]") == username
    shot(page, "15-login-again")
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    names = {w.full_name for w in workers_on_server(app, agent_id)}
    assert f"Peserta Sesi {n}" in names


def test_a_lost_answer_and_a_double_tap_never_duplicate(page, context, live_server):
    app, agent_id = live_server["app"], live_server["agent_ids"]["agent"]
    login(page, live_server["users"]["agent"])
    lost = []

    def lose_first_answer(route):
        if not lost:
            route.fetch()  # the server applies the batch ...
            lost.append(1)
            route.abort()  # ... and the answer never reaches the phone
        else:
            route.continue_()

    page.route("**/api/v1/sync", lose_first_answer)
    context.set_offline(True)
    n = uuid.uuid4().int % 9000
    register(page, n, name=f"Peserta Hilang {n}")
    page.click("#take-payment")
    page.wait_for_selector("#pay-amount strong")
    page.dblclick("#pay-save")  # a double tap
    page.wait_for_selector("#receipt")
    context.set_offline(False)
    page.wait_for_function("() => document.querySelector('#sync-pill').textContent !== ''")
    go(page, "queue")
    page.wait_for_selector("#sync-now")
    page.wait_for_timeout(500)
    assert lost, "the first batch was sent"
    page.click("#sync-now")
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    workers = [w for w in workers_on_server(app, agent_id) if w.full_name == f"Peserta Hilang {n}"]
    assert len(workers) == 1
    from tests.browser.helpers import payments_on_server

    assert len(payments_on_server(app, [workers[0].id])) == 1

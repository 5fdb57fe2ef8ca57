"""Issue 23 at 360 x 640: an agent registers a small business from the More screen and adds two
of its workers, offline; the phone checks the NIB and the NIK as the server does, queues the
employer and then its workers (a worker waits for its employer), and once online the server has
the employer once with both workers, and the screen shows its registration number.

The `today` marker moves the server's clock (the live server's thread reads it too) and the
phone's clock is fixed at 10:00 WIB on the same day, so the registration day agrees."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.employers.models import Employer, EmployerWorker
from perisai.extensions import db as _db
from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import choose_place, go, login, shot
from tests.factories import valid_nik


def _stored(app, name: str):
    with app.app_context(), Session(_db.engine) as session:
        employers = session.scalars(select(Employer).where(Employer.name == name)).all()
        workers = [
            session.scalars(select(EmployerWorker).where(EmployerWorker.employer_id == e.id)).all()
            for e in employers
        ]
        return employers, workers


def _add_worker(page, nik: str, name: str, wage: str) -> None:
    page.fill("#employer-screen input[name=nik]", nik)
    page.fill("#employer-screen input[name=full_name]", name)
    page.fill("#employer-screen input[name=birth_date]", "1990-07-05")
    page.select_option("#employer-screen select[name=gender]", "M")
    page.fill("#employer-screen input[name=wage]", wage)
    page.click("#employee-save")
    page.wait_for_selector(f"#employee-list li:has-text('{name}')")


@pytest.mark.today("2026-06-15")
def test_an_agent_registers_a_business_and_its_workers_offline(page, context, live_server):
    context.clock.set_fixed_time("2026-06-15T10:00:00+07:00")
    login(page, live_server["users"]["agent"])
    name = f"Bengkel Las Uji {uuid.uuid4().int % 100000}"
    context.set_offline(True)
    go(page, "more")
    page.click("#more-employers")
    page.wait_for_selector("#employers-screen")
    page.click("#employer-new")
    page.wait_for_selector("#employer-form")
    page.fill("input[name=name]", name)
    page.select_option("select[name=size]", "small")
    page.select_option("select[name=risk_group]", "2")
    page.fill("input[name=nib]", "91200000123")  # 11 digits: the phone says so first
    page.fill("input[name=phone]", "0285 391234")
    page.fill("input[name=contact_name]", "Pak Darto")
    choose_place(page, address="Jl. Pelabuhan 9")
    page.click("#employer-save")
    assert "NIB harus 13 angka" in page.inner_text("#employer-form")
    page.fill("input[name=nib]", f"9120{uuid.uuid4().int % 10**9:09d}")
    page.click("#employer-save")
    page.wait_for_selector("#employer-screen")
    assert "Nomor pendaftaran diberikan setelah data terkirim" in page.inner_text(
        "#employer-number"
    )
    # a NIK that contradicts the gender is refused on the phone, with the server's words
    page.fill("#employer-screen input[name=nik]", valid_nik(7001, female=True))
    page.fill("#employer-screen input[name=full_name]", "Salah Kelamin")
    page.fill("#employer-screen input[name=birth_date]", "1990-07-05")
    page.select_option("#employer-screen select[name=gender]", "M")
    page.fill("#employer-screen input[name=wage]", "3000000")
    page.click("#employee-save")
    assert page.locator("#employee-list li").count() == 0
    _add_worker(page, valid_nik(7002), "Pekerja Satu", "3500000")
    _add_worker(page, valid_nik(7003), "Pekerja Dua", "4000000")
    assert "2 pekerja" in page.inner_text("#employer-screen")
    shot(page, "employers-01-offline")
    go(page, "queue")
    page.wait_for_selector("#queue-list li")
    types = page.eval_on_selector_all("#queue-list li", "els => els.map(e => e.dataset.type)")
    assert sorted(types) == ["employer.register", "employer.worker", "employer.worker"]
    assert page.eval_on_selector_all(
        "#queue-list li[data-type='employer.worker']", "els => els.map(e => e.dataset.state)"
    ) == ["held", "held"]
    shot(page, "employers-02-queue")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        employers, workers = _stored(live_server["app"], name)
        if employers and len(workers[0]) == 2:
            break
        time.sleep(0.2)
    assert len(employers) == 1
    assert sorted(w.full_name for w in workers[0]) == ["Pekerja Dua", "Pekerja Satu"]
    assert (employers[0].size, employers[0].risk_group) == ("small", 2)

    go(page, "employers")
    page.wait_for_selector(f"#employer-list li:has-text('{name}')")
    page.click(f"#employer-list a:has-text('{name}')")
    page.wait_for_selector("#employer-screen")
    number = employers[0].registration_number
    page.wait_for_function(
        f"() => document.querySelector('#employer-number').textContent.includes('{number}')"
    )
    assert page.locator("#employee-list li").count() == 2
    page.screenshot(path=str(SCREENSHOTS / "employers-03-sent.png"), full_page=True)

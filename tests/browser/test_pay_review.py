"""Issue 16 at 360 x 640: the pay screen that guides (arrears apart from months paid ahead, the
membership about to end, all arrears by default, cash received and change), the receipt
reference a phone prints offline, fixing a rejected payment without repricing it, and the
review step the participant checks, in Bahasa Indonesia and English.

Each test states its date: the `today` marker moves the server's clock (in this process, so the
live server's thread reads it too) and the phone's clock is fixed at 10:00 WIB that day, so no
test depends on the real date.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.contributions.models import Payment
from perisai.contributions.quotes import quote_for_worker, quote_reference
from perisai.extensions import db as _db
from perisai.months import Month
from perisai.workers.models import Worker
from tests import factories
from tests.browser.helpers import address_beneficiary_consent, go, login, shot

REFERENCE = re.compile(r"No\. referensi\s+(PRS-\d{5}-D[A-Z2-9]{4}-\d{4})")


def _phone_day(context, day: str) -> None:
    """The phone's clock reads 10:00 WIB on `day` (timers keep running)."""
    context.clock.set_fixed_time(f"{day}T10:00:00+07:00")


def _participant(app, agent_id, name, **values):
    with app.app_context(), Session(_db.engine) as session:
        worker = factories.make_worker(
            session, session.get(Agent, agent_id), full_name=name, **values
        )
        session.commit()
        return worker.id


def _server_quote(app, worker_id, months: int, day: date):
    with app.app_context(), Session(_db.engine) as session:
        worker = session.get(Worker, worker_id)
        return quote_for_worker(session, worker, months, day)


def _paid(app, worker_id) -> list[dict]:
    """The participant's payments on the server: receipt number, reference, months, amount."""
    with app.app_context(), Session(_db.engine) as session:
        payments = session.scalars(select(Payment).where(Payment.worker_id == worker_id)).all()
        return [
            {
                "receipt_number": p.receipt_number,
                "client_reference": p.client_reference,
                "covers": [str(m) for m in p.covers],
                "amount": p.amount,
            }
            for p in payments
        ]


def _rp(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


def _open_pay(page, name: str) -> None:
    """From the participants list, as the agent does: tap the name, then 'Terima iuran'."""
    go(page, "participants")
    page.fill("input[name=q]", name)
    page.click(f"#participant-list a:has-text('{name}')")
    page.click("#take-payment")
    page.wait_for_selector("#pay-amount strong")


@pytest.mark.today("2026-11-20")
def test_pay_screen_guides_offline_and_the_receipt_carries_a_reference(page, context, live_server):
    app, agent_id = live_server["app"], live_server["agent_ids"]["agent"]
    n = uuid.uuid4().int % 9000
    grace = f"Peserta Tunggak {n}"
    # Covered until September: October and November unpaid, in grace with 2 months' arrears.
    grace_id = _participant(
        app, agent_id, grace, covered_until=Month(2026, 9), first_paid_month=Month(2026, 1)
    )
    last = f"Peserta Ujung {n}"
    # Covered until August: the third unpaid month; the membership ends with November.
    _participant(app, agent_id, last, covered_until=Month(2026, 8), first_paid_month=Month(2026, 1))
    _phone_day(context, "2026-11-20")
    login(page, live_server["users"]["agent"])
    context.set_offline(True)
    page.reload()  # from the service worker: everything below is priced on the phone
    page.wait_for_selector("#stat-waiting")

    _open_pay(page, last)
    assert "Kepesertaan berakhir pada akhir Nov 2026 bila tunggakan tidak dibayar." in (
        page.inner_text("#pay-warning")
    )
    assert page.input_value("select[name=months]") == "3"  # Sep, Oct, Nov

    _open_pay(page, grace)
    expected = _server_quote(app, grace_id, 3, date(2026, 11, 20))
    oct_, nov, dec = (m.total for m in expected.months)
    assert page.input_value("select[name=months]") == "2"  # the default: all arrears
    assert "2 bulan belum dibayar s.d. bulan ini." in page.inner_text("#pay-warning")
    arrears = page.inner_text("#pay-arrears")
    assert "Tunggakan · 2 bulan" in arrears
    assert f"Okt 2026: {_rp(oct_)}" in arrears and f"Nov 2026: {_rp(nov)}" in arrears
    assert page.locator("#pay-advance").count() == 0
    assert "null" not in page.inner_text("#pay-amount")
    assert _rp(oct_ + nov) in page.inner_text("#pay-amount strong")

    page.select_option("select[name=months]", "3")
    page.wait_for_selector("#pay-advance")
    assert "Tunggakan · 2 bulan" in page.inner_text("#pay-arrears")
    advance = page.inner_text("#pay-advance")
    assert "Bayar di muka · 1 bulan" in advance and f"Des 2026: {_rp(dec)}" in advance
    assert "Nov 2026" not in advance
    total = oct_ + nov + dec
    assert page.inner_text("#pay-amount strong") == _rp(total)

    # Not enough cash: said plainly, and the payment cannot be saved.
    page.fill("#pay-cash", str(total - 1000))
    error = page.inner_text("#pay-cash-error")
    assert error == f"Uang diterima kurang Rp 1.000 dari jumlah iuran {_rp(total)}."
    assert page.is_disabled("#pay-save")
    assert not page.is_visible("#pay-change")
    cash = (total // 10000 + 1) * 10000
    page.fill("#pay-cash", f"{cash:,}".replace(",", "."))  # typed as "50.000"
    assert page.inner_text("#pay-cash-error") == ""
    assert page.inner_text("#pay-change") == f"Kembalian: {_rp(cash - total)}"
    assert page.is_enabled("#pay-save")
    shot(page, "h4-01-pay-grace-offline")
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    receipt = page.inner_text("#receipt")
    assert "menunggu sinkron" in receipt
    reference = REFERENCE.search(receipt)
    assert reference, receipt
    reference = reference.group(1)
    assert re.search(rf"Uang diterima\s+{_rp(cash)}\s+Kembalian\s+{_rp(cash - total)}", receipt)
    shot(page, "h4-02-receipt-offline")

    context.set_offline(False)
    page.wait_for_function(
        "() => !document.querySelector('#receipt').innerText.includes('menunggu sinkron')",
        timeout=40000,
    )
    [paid] = _paid(app, grace_id)
    receipt = page.inner_text("#receipt")
    assert paid["receipt_number"] in receipt
    assert REFERENCE.search(receipt).group(1) == reference == paid["client_reference"]
    assert paid["covers"] == ["2026-10", "2026-11", "2026-12"] and paid["amount"] == total
    shot(page, "h4-03-receipt-synced")


@pytest.mark.today("2026-12-10")
def test_fixing_a_rejected_payment_keeps_its_months_and_amount(page, context, live_server):
    app, agent_id = live_server["app"], live_server["agent_ids"]["agent"]
    n = uuid.uuid4().int % 9000
    name = f"Peserta Perbaikan {n}"
    # Registered on 8 December 2026, never paid.
    registered = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
    worker_id = _participant(
        app, agent_id, name, created_at=registered, registered_on=date(2026, 12, 8)
    )
    december = _server_quote(app, worker_id, 1, date(2026, 12, 10)).total
    _phone_day(context, "2026-12-10")
    login(page, live_server["users"]["agent"])
    context.set_offline(True)
    _open_pay(page, name)
    assert page.inner_text("#pay-amount strong") == _rp(december)
    assert "Des 2026" in page.inner_text("#pay-arrears")
    page.fill("input[name=paid_on]", "2026-12-05")  # a slip: before the registration
    page.dispatch_event("input[name=paid_on]", "change")
    page.click("#pay-save")
    page.wait_for_selector("#receipt")

    context.set_offline(False)
    go(page, "queue")
    page.wait_for_selector("#queue-list li[data-state=rejected]", timeout=30000)
    page.click("#queue-list a:has-text('Perbaiki')")
    page.wait_for_selector("#pay-amount strong")
    # The rejected payment never covered December: the fix prices December again.
    assert page.inner_text("#pay-amount strong") == _rp(december)
    assert "Des 2026" in page.inner_text("#pay-arrears")
    assert page.locator("#pay-advance").count() == 0
    assert "null" not in page.inner_text("#pay-amount")
    assert page.input_value("select[name=months]") == "1"
    assert "bulan dan jumlah yang sudah diterima" in page.inner_text("#pay-kept")
    assert page.inner_text("#pay-repriced") == ""
    page.fill("input[name=paid_on]", "2026-12-10")
    page.dispatch_event("input[name=paid_on]", "change")
    page.wait_for_timeout(200)
    assert page.inner_text("#pay-amount strong") == _rp(december)
    shot(page, "h4-04-pay-fix")
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    [paid] = _paid(app, worker_id)
    assert paid["covers"] == ["2026-12"] and paid["amount"] == december


def _village_named(app, code: str, name: str) -> str:
    """A village with a name of its own in the agent's area; returns "village, district,
    regency" as the names stand in the database."""
    from perisai.regions.models import Region

    with app.app_context(), Session(_db.engine) as session:
        factories.make_regions(session, code)
        session.get(Region, code).name = name
        session.commit()
        district = session.get(Region, code.rsplit(".", 1)[0])
        regency = session.get(Region, district.parent_code)
        return f"{name}, {district.name}, {regency.name}"


def _fill_to_review(page, nik: str, name: str) -> None:
    go(page, "register/new")
    page.wait_for_selector("input[name=nik]")
    page.fill("input[name=nik]", nik)
    page.fill("input[name=full_name]", name)
    page.fill("input[name=phone]", "081398765432")
    page.click("#reg-next")
    page.wait_for_selector("select[name=occupation]")
    page.select_option("select[name=occupation]", "nelayan")
    page.select_option("select[name=income_level]", "1000000")
    page.select_option("select[name=funding]", "apbdes")
    page.click("#reg-next")
    address_beneficiary_consent(page, "33.25.01.2002", address="Jl. Sodong RT 02/RW 01")
    page.wait_for_selector("#review")


def _review(page) -> dict[str, str]:
    return page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('#review dd')]"
        ".map((dd) => [dd.dataset.field, dd.innerText]))"
    )


@pytest.mark.today("2026-11-20")
def test_the_review_step_shows_what_the_participant_checks_in_both_languages(
    page, context, live_server
):
    n = uuid.uuid4().int % 9000
    nik = factories.valid_nik(n, female=True)
    name = f"Peserta Periksa {n}"
    names = _village_named(live_server["app"], "33.25.01.2002", "Sodong")
    _phone_day(context, "2026-11-20")
    login(page, live_server["users"]["agent"])
    context.set_offline(True)  # the village names come from the regions cached on the phone
    page.reload()
    page.wait_for_selector("#stat-waiting")
    with live_server["app"].app_context(), Session(_db.engine) as session:
        monthly = quote_reference(
            session,
            income_level=1_000_000,
            programs=["JKK", "JKM"],
            sector="other",  # nelayan
            funding="apbdes",
            start_month=Month(2026, 11),
            months=1,
        ).total
    _fill_to_review(page, nik, name)
    shown = _review(page)
    # In full (it is the agent's own form), in groups of four to read out.
    assert shown["nik"] == " ".join(nik[i : i + 4] for i in range(0, 16, 4))
    assert shown["gender"] == "Perempuan"
    assert shown["village"] == names
    assert shown["address"] == "Jl. Sodong RT 02/RW 01"
    assert shown["funding"] == "APBDes (dana desa)"
    assert shown["monthly"] == _rp(monthly)
    assert "33.25.01.2002" not in page.inner_text("#review")
    assert "Tunjukkan atau bacakan data ini kepada peserta" in page.inner_text("section.screen")
    shot(page, "h4-05-review-id")

    go(page, "more")
    page.click("#lang-switch")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    _fill_to_review(page, nik, name)
    english = _review(page)
    assert english["nik"].replace(" ", "") == nik
    assert english["gender"] == "Female"
    assert english["village"] == names
    assert english["funding"] == "APBDes (village budget)"
    assert english["monthly"] == _rp(monthly)  # rupiah are written the Indonesian way
    assert "Show or read these details to the participant" in page.inner_text("section.screen")
    shot(page, "h4-06-review-en")

"""Issue 20 at 360 x 640: the agent's cash screen (cash in hand, since when, the limits, its
deposits), a deposit recorded offline with the slip's photo that reaches the server once, and a
cash payment refused on the phone OFFLINE while the cash in hand is over the ceiling or held too
long (a bank payment still goes; a deposit queued offline lifts the block), and the server's 422
when the phone's last known position was out of date.

Each test has an agent of its own (its cash position is its own, whatever other tests of the
session do) with a limit of its own, and states its date: the `today` marker moves the server's
clock (the live server's thread reads it too) and the phone's clock is fixed at 10:00 WIB.
"""

from __future__ import annotations

import io
import uuid
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents.models import Agent
from perisai.auth.models import User
from perisai.cash.limits import add_limit
from perisai.cash.models import Deposit
from perisai.cash.position import cash_position
from perisai.contributions.models import Payment
from perisai.extensions import db as _db
from tests import factories
from tests.browser.conftest import SCREENSHOTS, _screen_context
from tests.browser.helpers import go, login, shot


def _phone_day(context, day: str, at: str = "10:00") -> None:
    """The phone's clock reads `at` WIB on `day` (timers keep running)."""
    context.clock.set_fixed_time(f"{day}T{at}:00+07:00")


def _whole(page, name: str) -> None:
    """The whole screen, scrolled parts too."""
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def _rp(amount: int) -> str:
    return "Rp " + f"{amount:,}".replace(",", ".")


class CashAgent:
    """An agent of the org's first Wadah with its own cash limit and participants."""

    def __init__(self, live_server, *, ceiling: int, max_age_days: int, participants: int = 2):
        self.app = live_server["app"]
        with self.app.app_context(), Session(_db.engine) as session:
            wadah = session.get(Agent, live_server["agent_ids"]["agent"]).wadah
            agent = factories.make_agent(session, wadah)
            user = factories.make_user(session, "agent", agent=agent)
            add_limit(
                session,
                effective_from=date(2026, 1, 1),
                ceiling=ceiling,
                max_age_days=max_age_days,
                source="browser test",
                agent_id=agent.id,
                branch_id=wadah.branch_id,
            )
            n = uuid.uuid4().int % 9000
            self.names = [f"Peserta Kas {n}-{i}" for i in range(participants)]
            self.worker_ids = [
                factories.make_worker(session, agent, full_name=name).id for name in self.names
            ]
            session.commit()
            self.agent_id, self.user_id, self.username = agent.id, user.id, user.username

    def cash_paid(self, index: int, paid_on: date, months: int = 1) -> int:
        """A cash payment the agent took (recorded on the server, as from another phone)."""
        from perisai.workers.models import Worker

        with self.app.app_context(), Session(_db.engine) as session:
            worker = session.get(Worker, self.worker_ids[index])
            user = session.get(User, self.user_id)
            payment = factories.record_test_payment(
                session, worker, paid_on, months, recorded_by=user
            )
            session.commit()
            return payment.amount

    def position(self):
        with self.app.app_context(), Session(_db.engine) as session:
            agent = session.get(Agent, self.agent_id)
            return cash_position(session, agent, clock.today())

    def deposits(self) -> list[Deposit]:
        with self.app.app_context(), Session(_db.engine) as session:
            return session.scalars(select(Deposit).where(Deposit.agent_id == self.agent_id)).all()

    def payments(self) -> list[Payment]:
        with self.app.app_context(), Session(_db.engine) as session:
            return session.scalars(
                select(Payment).where(Payment.worker_id.in_(self.worker_ids))
            ).all()


def _open_pay(page, name: str) -> None:
    """From the participants list, as the agent does: tap the name, then 'Terima iuran'."""
    go(page, "participants")
    page.fill("input[name=q]", name)
    page.click(f"#participant-list a:has-text('{name}')")
    page.click("#take-payment")
    page.wait_for_selector("#pay-amount strong")


def _open_cash(page) -> None:
    """From home: tap the cash card."""
    go(page, "home")
    page.click("#home-cash")
    page.wait_for_selector("#cash-in-hand")


def _slip_jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 400), (230, 230, 210)).save(out, format="JPEG")
    return out.getvalue()


def _queue_types(page) -> list[str]:
    go(page, "queue")
    page.wait_for_selector("#queue-summary")
    return page.eval_on_selector_all("#queue-list li", "els => els.map(e => e.dataset.type)")


@pytest.mark.today("2026-06-15")
def test_the_cash_screen_shows_the_cash_taken(page, context, live_server):
    agent = CashAgent(live_server, ceiling=2_000_000, max_age_days=3)
    _phone_day(context, "2026-06-15")
    login(page, agent.username)
    _open_cash(page)
    assert page.inner_text("#cash-in-hand") == "Rp 0"
    assert page.locator("#cash-blocked").count() == 0
    assert "Belum ada setoran" in page.inner_text("#deposit-list")

    _open_pay(page, agent.names[0])
    assert page.input_value("select[name=channel]") == "cash"
    amount = page.inner_text("#pay-amount strong")
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    [paid] = agent.payments()
    assert _rp(paid.amount) == amount and paid.custodian_id == agent.agent_id

    _open_cash(page)
    page.wait_for_function(
        f"() => document.querySelector('#cash-in-hand').textContent === '{_rp(paid.amount)}'"
    )
    facts = page.inner_text("#cash-facts")
    assert "15 Jun 2026 · hari ini" in facts
    assert "Setor paling lambat\n18 Jun 2026" in facts
    assert "Rp 2.000.000" in facts and "3 hari" in facts
    assert "Anda bisa menerima pembayaran tunai" in page.inner_text("#cash-ok")
    assert agent.names[0] in page.inner_text("#cash-held")
    assert "1 pembayaran tunai" in page.inner_text("#cash-unsettled")
    assert agent.position().cash_in_hand == paid.amount
    _whole(page, "cash-01-screen")
    go(page, "home")
    page.wait_for_selector("#home-cash")
    assert _rp(paid.amount) in page.inner_text("#home-cash")
    shot(page, "cash-02-home")


@pytest.mark.today("2026-06-15")
def test_a_deposit_recorded_offline_reaches_the_server_once(page, context, live_server):
    agent = CashAgent(live_server, ceiling=2_000_000, max_age_days=3)
    taken = agent.cash_paid(0, date(2026, 6, 14), months=2)
    _phone_day(context, "2026-06-15")
    login(page, agent.username)
    lost = []

    def lose_first_answer(route):
        if not lost:
            route.fetch()  # the server applies the deposit ...
            lost.append(1)
            route.abort()  # ... and the answer never reaches the phone
        else:
            route.continue_()

    page.route("**/api/v1/sync", lose_first_answer)
    context.set_offline(True)
    page.reload()  # from the service worker
    page.wait_for_selector("#stat-waiting")
    _open_cash(page)
    assert page.inner_text("#cash-in-hand") == _rp(taken)
    assert "Data server terakhir: 15/6/2026" in page.inner_text("#cash-stale")
    page.click("#cash-deposit")
    page.wait_for_selector("#deposit-amount")
    assert page.input_value("#deposit-amount") == str(taken)  # the cash in hand
    assert page.input_value("#deposit-date") == "2026-06-15"  # today, from the phone's clock
    page.select_option("#deposit-channel", "va")
    page.fill("#deposit-reference", "x")
    page.click("#deposit-save")
    assert "3 sampai 60" in page.inner_text("#deposit-reference-error")
    page.fill("#deposit-reference", "VA-8801 2345")
    with page.expect_file_chooser() as chooser:
        page.click("#deposit-photo")
    chooser.value.set_files(
        files=[{"name": "slip.jpg", "mimeType": "image/jpeg", "buffer": _slip_jpeg()}]
    )
    page.wait_for_selector("#deposit-photo-preview img")
    _whole(page, "cash-03-deposit-form")
    page.dblclick("#deposit-save")  # a double tap
    page.wait_for_selector("#cash-screen #deposit-list li[data-state=unsent]")
    assert page.inner_text("#cash-in-hand") == "Rp 0"
    assert "Belum terkirim" in page.inner_text("#deposit-list")
    shot(page, "cash-04-deposit-unsent")
    assert _queue_types(page) == ["cash.deposit", "deposit.photo"]
    assert "Menunggu setoran" in page.inner_text("#queue-list li[data-type='deposit.photo']")
    assert agent.deposits() == []

    context.set_offline(False)
    page.wait_for_function("() => document.querySelector('#sync-pill').textContent !== ''")
    page.wait_for_timeout(500)
    assert lost, "the deposit was sent"
    page.click("#sync-now")
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    [deposit] = agent.deposits()
    assert (deposit.amount, deposit.channel, deposit.reference) == (taken, "va", "VA-8801 2345")
    assert deposit.deposited_on == date(2026, 6, 15) and deposit.state == "recorded"
    assert deposit.photo_key is not None
    assert agent.position().cash_in_hand == 0

    _open_cash(page)
    page.wait_for_selector("#deposit-list li[data-state=waiting]")
    item = page.inner_text("#deposit-list li[data-state=waiting]")
    assert "Menunggu bank" in item and "VA-8801 2345" in item and "Foto slip terlampir" in item
    assert page.inner_text("#cash-in-hand") == "Rp 0"
    assert len(agent.deposits()) == 1
    _whole(page, "cash-05-deposit-waiting")


@pytest.mark.today("2026-06-15")
def test_over_the_ceiling_a_cash_payment_is_refused_offline(page, context, live_server):
    agent = CashAgent(live_server, ceiling=10_000, max_age_days=3, participants=3)
    taken = agent.cash_paid(0, date(2026, 6, 15), months=2)
    assert taken > 10_000
    _phone_day(context, "2026-06-15")
    login(page, agent.username)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#home-cash.blocked")
    assert "Pembayaran tunai ditahan" in page.inner_text("#home-cash")

    _open_pay(page, agent.names[1])
    notice = page.inner_text("#pay-blocked")
    assert f"Uang tunai di tangan {_rp(taken)} melebihi batas Rp 10.000." in notice
    assert "Setorkan dulu dan catat setorannya" in notice
    assert "transfer bank atau e-wallet tetap bisa diterima" in notice
    _whole(page, "cash-06-pay-blocked")
    page.click("#pay-save")
    page.wait_for_selector("#toast.show.error")
    assert "tidak disimpan" in page.inner_text("#toast")
    assert page.locator("#receipt").count() == 0
    assert _queue_types(page) == []

    # Another channel still goes.
    _open_pay(page, agent.names[1])
    page.select_option("select[name=channel]", "bank")
    assert page.locator("#pay-blocked").count() == 0
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    assert _queue_types(page) == ["payment.record"]

    # A deposit queued offline lifts the block: one tap from the refusal.
    _open_pay(page, agent.names[2])
    page.click("#pay-blocked-deposit")
    page.wait_for_selector("#deposit-amount")
    assert page.input_value("#deposit-amount") == str(taken)
    page.fill("#deposit-reference", "BRI 7781")
    page.click("#deposit-save")
    page.wait_for_selector("#cash-ok")
    assert page.inner_text("#cash-in-hand") == "Rp 0"
    _open_pay(page, agent.names[2])
    assert page.locator("#pay-blocked").count() == 0
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    assert _queue_types(page) == ["payment.record", "cash.deposit", "payment.record"]

    context.set_offline(False)
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    channels = sorted(p.channel for p in agent.payments())
    assert channels == ["bank", "cash", "cash"]
    assert [d.amount for d in agent.deposits()] == [taken]
    assert (
        agent.position().cash_in_hand
        == sum(p.amount for p in agent.payments() if p.channel == "cash") - taken
    )


# The evening before and the next morning: within the session's 12 hours, so the phone sends
# what it queued offline without a new login.
@pytest.mark.today("2026-06-13T19:00:00+07:00")
def test_cash_held_too_long_is_refused_offline_on_the_phones_day(page, context, live_server):
    agent = CashAgent(live_server, ceiling=2_000_000, max_age_days=3)
    taken = agent.cash_paid(0, date(2026, 6, 10))
    _phone_day(context, "2026-06-13", "19:00")
    login(page, agent.username)
    _open_cash(page)
    assert page.locator("#cash-ok").count() == 1  # 3 days: still allowed
    assert "Setor paling lambat\n13 Jun 2026" in page.inner_text("#cash-facts")
    go(page, "home")
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("#stat-waiting")

    # The next day, still offline: judged on the phone's own date.
    _phone_day(context, "2026-06-14", "06:30")
    clock.set_now("2026-06-14T06:30:00+07:00")
    _open_cash(page)
    assert page.inner_text("#cash-in-hand") == _rp(taken)
    notice = page.inner_text("#cash-blocked")
    assert "Ada uang tunai sejak 10 Jun 2026 yang belum disetor lebih dari 3 hari." in notice
    _whole(page, "cash-07-cash-blocked-age")
    _open_pay(page, agent.names[1])
    assert "10 Jun 2026" in page.inner_text("#pay-blocked")
    page.click("#pay-save")
    page.wait_for_selector("#toast.show.error")
    assert _queue_types(page) == []

    _open_pay(page, agent.names[1])
    page.click("#pay-blocked-deposit")
    page.wait_for_selector("#deposit-amount")
    page.fill("#deposit-reference", "TELLER-0614")
    page.click("#deposit-save")
    page.wait_for_selector("#cash-ok")
    _open_pay(page, agent.names[1])
    assert page.locator("#pay-blocked").count() == 0
    page.click("#pay-save")
    page.wait_for_selector("#receipt")

    context.set_offline(False)
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    assert [p.channel for p in agent.payments()] == ["cash", "cash"]
    assert [(d.amount, d.deposited_on) for d in agent.deposits()] == [(taken, date(2026, 6, 14))]


@pytest.mark.today("2026-06-15")
def test_the_servers_refusal_is_shown_and_fixed_with_another_channel(page, context, live_server):
    agent = CashAgent(live_server, ceiling=10_000, max_age_days=3)
    _phone_day(context, "2026-06-15")
    login(page, agent.username)
    _open_pay(page, agent.names[1])
    page.wait_for_timeout(300)  # the position fetched as the screen opened: not blocked
    assert page.locator("#pay-blocked").count() == 0
    taken = agent.cash_paid(0, date(2026, 6, 15), months=2)  # meanwhile, on another phone
    page.click("#pay-save")
    page.wait_for_selector("#receipt")

    go(page, "queue")
    page.wait_for_selector("#queue-list li[data-state=rejected]", timeout=30000)
    record = page.inner_text("#queue-list li[data-state=rejected]")
    assert f"Uang tunai di tangan {_rp(taken)} melebihi batas Rp 10.000." in record
    assert "Catat setoran Anda lalu kirim ulang" in record
    shot(page, "cash-08-queue-refused")
    page.click("#queue-list a:has-text('Perbaiki')")
    page.wait_for_selector("#pay-blocked")
    assert "melebihi batas" in page.inner_text("#pay-blocked")
    assert page.is_hidden("#pay-refused")  # the notice says it, once
    _whole(page, "cash-09-pay-fix-refused")
    page.select_option("select[name=channel]", "bank")
    assert page.locator("#pay-blocked").count() == 0
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    assert sorted(p.channel for p in agent.payments()) == ["bank", "cash"]


@pytest.mark.today("2026-06-15")
def test_after_the_servers_refusal_a_deposit_and_a_resend_take_the_cash(page, context, live_server):
    agent = CashAgent(live_server, ceiling=10_000, max_age_days=3)
    _phone_day(context, "2026-06-15")
    login(page, agent.username)
    _open_pay(page, agent.names[1])
    page.wait_for_timeout(300)
    taken = agent.cash_paid(0, date(2026, 6, 15), months=2)  # meanwhile, on another phone
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    go(page, "queue")
    page.wait_for_selector("#queue-list li[data-state=rejected]", timeout=30000)

    page.click("#queue-list li[data-state=rejected] a:has-text('Catat setoran')")
    page.wait_for_selector("#deposit-amount")
    assert page.input_value("#deposit-amount") == str(taken)
    page.fill("#deposit-reference", "BNI-552190")
    page.click("#deposit-save")
    page.wait_for_selector("#deposit-list li[data-state=waiting]", timeout=30000)
    assert [d.amount for d in agent.deposits()] == [taken]

    # No longer blocked here: the form says why the server refused, under the channel.
    go(page, "queue")
    page.click("#queue-list a:has-text('Perbaiki')")
    page.wait_for_selector("#pay-refused")
    assert "melebihi batas" in page.inner_text("#pay-refused")
    assert page.locator("#pay-blocked").count() == 0
    assert "Bila sudah setor dan mencatatnya, simpan lagi" in page.inner_text(
        "select[name=channel] ~ .field-error"
    )
    shot(page, "cash-13-pay-fix-after-deposit")
    page.click("#pay-save")
    page.wait_for_selector("#receipt")
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    assert [p.channel for p in agent.payments()] == ["cash", "cash"]
    assert agent.position().cash_in_hand == sum(p.amount for p in agent.payments()) - taken


@pytest.mark.today("2026-06-15")
def test_the_cash_screen_at_laptop_size_and_in_english(browser, live_server):
    agent = CashAgent(live_server, ceiling=10_000, max_age_days=3)
    taken = agent.cash_paid(0, date(2026, 6, 12), months=2)
    context = _screen_context(browser, live_server, 1366, 768, touch=False)
    try:
        _phone_day(context, "2026-06-15")
        page = context.new_page()
        login(page, agent.username)
        _open_cash(page)
        assert page.locator("#cash-blocked").count() == 1
        shot(page, "cash-10-laptop")
        go(page, "more")
        page.click("#lang-switch")
        page.click("a[href='#/cash']")
        page.wait_for_selector("#cash-blocked")
        assert "Cash payments on hold" in page.inner_text("#cash-blocked")
        notice = page.inner_text("#cash-blocked")
        assert f"Cash in hand {_rp(taken)} is over the limit of Rp 10.000." in notice
        shot(page, "cash-11-laptop-en")
        page.click("#cash-blocked-deposit")
        page.wait_for_selector("#deposit-amount")
        shot(page, "cash-12-deposit-laptop-en")
    finally:
        context.close()

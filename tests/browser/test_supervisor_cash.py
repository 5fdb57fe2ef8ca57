"""The supervisor's cash pages as a supervisor uses them on a phone (360 × 640): upload the bank's
statement through the page, see the line it could not match, pair it with the agent's deposit
with a reason by tapping the page's buttons, and see the agent's cash change on the agents' cash
page; and the same pages on a laptop and a tablet, without a page wider than the screen."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents.models import Wadah
from perisai.auth.models import User
from perisai.cash.deposits import record_deposit
from perisai.extensions import db as _db
from tests import factories
from tests.browser.helpers import shot, supervisor_login

pytestmark = pytest.mark.today("2026-12-10")
_numbers = itertools.count(1)
MONTHLY = 16_800


@pytest.fixture
def cash(live_server):
    """A new agent of the supervisor's branch with two cash payments today and a deposit of the
    first, which the bank's statement will print with a typo."""
    tag = f"K{next(_numbers)}{uuid.uuid4().hex[:4].upper()}"
    with live_server["app"].app_context(), Session(_db.engine) as session:
        supervisor = session.scalar(
            select(User).where(User.username == live_server["users"]["supervisor"])
        )
        wadah = session.scalar(select(Wadah).where(Wadah.branch_id == supervisor.branch_id))
        agent = factories.make_agent(session, wadah, full_name=f"Agen Kas {tag}")
        login = factories.make_user(session, "agent", agent=agent)
        for _ in range(2):
            worker = factories.make_worker(session, agent, funding="apbd")
            factories.record_test_payment(session, worker, clock.today(), recorded_by=login)
        deposit, _ = record_deposit(
            session,
            agent=agent,
            data={
                "id": uuid.uuid4(),
                "amount": MONTHLY,
                "channel": "va",
                "reference": f"VA-{tag}-01",
                "deposited_on": clock.today(),
            },
        )
        session.commit()
        return {"tag": tag, "agent": agent.agent_code, "deposit": str(deposit.id)}


def agent_row(page, agent_code: str):
    return page.locator(f'tr[data-agent="{agent_code}"]')


def test_a_statement_line_is_paired_on_the_phone_and_the_agents_cash_changes(
    page, live_server, cash
):
    supervisor_login(page, live_server["users"]["supervisor"])
    page.goto("/supervisor/cash?lang=id")
    row = agent_row(page, cash["agent"])
    assert row.locator("[data-cash-in-hand]").inner_text() == "Rp 16.800"
    assert row.locator("[data-unsettled]").inner_text() == "Rp 33.600"
    assert row.locator("[data-settlement]").inner_text() == "0,0%"
    page.locator("#agents-cash").scroll_into_view_if_needed()
    shot(page, "supervisor-cash-agents-phone")

    page.click("#to-upload")
    page.wait_for_selector("#statement-upload")
    typo = f"VA {cash['tag']} O1"  # the bank printed the letter O for the zero
    csv = f"date,reference,amount\n{clock.today()},{typo},{MONTHLY}\n"
    page.set_input_files(
        "#f-file", files=[{"name": "mutasi.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    shot(page, "supervisor-cash-upload-phone")
    page.click("#statement-upload button[type=submit]")
    page.wait_for_selector("#statement-counts")
    assert "Rekening koran diunggah dan dicocokkan." in page.inner_text("#done")
    assert page.inner_text('[data-count="matched"]') == "0"
    assert page.inner_text('[data-count="unmatched"]') == "1"
    line = page.locator("article.queue-item", has_text=typo)
    assert line.count() == 1
    line.scroll_into_view_if_needed()
    shot(page, "supervisor-cash-statement-phone")

    line.locator("select[name=deposit_id]").select_option(cash["deposit"])
    line.locator("input[name=note]").fill("bank menulis huruf O untuk angka 0")
    line.locator("button[value=pair]").tap()
    page.wait_for_selector("#done")
    assert "Baris dipasangkan" in page.inner_text("#done")
    assert page.locator("article.queue-item", has_text=typo).count() == 0
    shot(page, "supervisor-cash-paired-phone")

    page.click("#to-cash")
    row = agent_row(page, cash["agent"])
    assert row.locator("[data-unsettled]").inner_text() == "Rp 16.800"  # the first is settled
    assert row.locator("[data-settlement]").inner_text() == "50,0%"
    assert row.locator("[data-cash-in-hand]").inner_text() == "Rp 16.800"  # still in its hands
    wide = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert wide <= 0, "the page is wider than the phone (the table scrolls in its own box)"


def test_a_reason_is_asked_before_a_line_is_dismissed(page, live_server, cash):
    supervisor_login(page, live_server["users"]["supervisor"])
    page.goto("/supervisor/cash/statements?lang=en")
    stray = f"INTEREST {cash['tag']}"
    csv = f"date,reference,amount\n{clock.today()},{stray},1234\n"
    page.set_input_files(
        "#f-file", files=[{"name": "stray.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.click("#statement-upload button[type=submit]")
    page.wait_for_selector("#statement-counts")
    line = page.locator("article.queue-item", has_text=stray)
    assert "No waiting deposit has this amount." in line.inner_text()
    line.locator("button[value=dismiss]").tap()  # without a reason: the browser asks for one
    assert line.locator("input[name=note]:invalid").count() == 1
    line.locator("input[name=note]").fill("bank interest, not a deposit")
    line.locator("button[value=dismiss]").tap()
    page.wait_for_selector("#done")
    assert "Line dismissed." in page.inner_text("#done")
    page.goto("/supervisor/cash/queue")
    assert page.locator("article.queue-item", has_text=stray).count() == 0


@pytest.fixture
def waiting(live_server, cash):
    """In the queue: a statement line nobody's deposit matches, and a deposit of five days ago
    the bank has not confirmed."""
    from perisai.agents.models import Agent
    from perisai.cash import statements

    with live_server["app"].app_context(), Session(_db.engine) as session:
        agent = session.scalar(select(Agent).where(Agent.agent_code == cash["agent"]))
        record_deposit(
            session,
            agent=agent,
            data={
                "id": uuid.uuid4(),
                "amount": MONTHLY,
                "channel": "counter",
                "reference": f"LOKET-{cash['tag']}",
                "deposited_on": clock.today() - timedelta(days=5),
            },
        )
        content = f"date,reference,amount\n{clock.today()},TRF {cash['tag']},{MONTHLY}\n"
        statements.upload_statement(
            session,
            branch_id=agent.wadah.branch_id,
            content=content.encode(),
            filename="mutasi.csv",
            fmt=statements.statement_format(session, "standard"),
        )
        session.commit()


def test_the_cash_pages_at_the_office(office, live_server, cash, waiting):
    supervisor_login(office, live_server["users"]["supervisor"])
    for path, name in (
        ("/supervisor/cash?lang=id", "agents"),
        ("/supervisor/cash/queue", "queue"),
        ("/supervisor/cash/statements", "upload"),
    ):
        office.goto(path)
        office.wait_for_selector("main h1")
        shot(office, f"supervisor-cash-{name}-{office.screen_name}")
        wide = office.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert wide <= 0, f"{path} is wider than the {office.screen_name}"
    office.goto("/supervisor/cash")
    assert agent_row(office, cash["agent"]).count() == 1

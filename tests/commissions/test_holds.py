"""Incentive held on cash in the agent's custody (DOMAIN.md §8, API.md "Cash custody"): held at
close, released by the close after the bank confirmed the cash, cancelled by a reversal first;
`payable` = total − held, `payout` = payable + released, on the JSON and the PDF statements."""

from __future__ import annotations

import io
import uuid

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from perisai import clock
from perisai.commissions.models import CommissionHold
from perisai.months import Month
from tests.cash.conftest import MONTHLY
from tests.commissions.helpers import close, figures
from tests.conftest import login
from tests.factories import make_worker, record_test_payment

FEE = MONTHLY * 15 // 100  # the collection fee on one month of an APBD-funded participant
ACQUISITION = 10_000  # per new JKK+JKM participant, from 25 in the month
DECEMBER_CLOSE, JANUARY_CLOSE, FEBRUARY_CLOSE = "2027-01-02", "2027-02-02", "2027-03-02"


@pytest.fixture
def workers(db, org):
    made = [make_worker(db.session, org.agent, funding="apbd") for _ in range(4)]
    db.session.commit()
    return made


class Day:
    """The agent and its supervisor, logged in on the day the block is at."""

    def __init__(self, app, org):
        self.agent = login(app, org.agent_user.username)
        self.supervisor = login(app, org.supervisor_user.username)
        self.org = org

    def pay(self, worker, channel="cash") -> str:
        body = {
            "id": str(uuid.uuid4()),
            "months": 1,
            "amount": MONTHLY,
            "paid_on": clock.today().isoformat(),
            "channel": channel,
        }
        response = self.agent.post(f"/api/v1/workers/{worker.id}/payments", json=body)
        assert response.status_code == 201, response.get_json()
        return body["id"]

    def deposit_and_confirm(self, amount: int, reference: str) -> None:
        """The agent pays the cash in, the bank's statement confirms it: the oldest is settled."""
        today = clock.today().isoformat()
        body = {
            "id": str(uuid.uuid4()),
            "amount": amount,
            "channel": "va",
            "reference": reference,
            "deposited_on": today,
        }
        assert self.agent.post("/api/v1/cash/deposits", json=body).status_code == 201
        csv = f"date,reference,amount\n{today},{reference},{amount}\n".encode()
        response = self.supervisor.post(
            "/api/v1/cash/statements", data=csv, headers={"Content-Type": "text/csv"}
        )
        assert response.status_code == 201 and response.get_json()["matched"] == 1

    def reverse(self, payment_id: str) -> None:
        response = self.supervisor.post(
            f"/api/v1/payments/{payment_id}/reverse", json={"reason": "recorded by mistake"}
        )
        assert response.status_code == 200, response.get_json()

    def close(self, month: str) -> None:
        response = self.supervisor.post(f"/api/v1/commissions/months/{month}/close")
        assert response.status_code == 200, response.get_json()

    def statement(self, month: str) -> dict:
        response = self.agent.get(f"/api/v1/commissions/statements?month={month}")
        assert response.status_code == 200, response.get_json()
        (row,) = response.get_json()
        return row

    def detail(self, month: str) -> dict:
        return self.agent.get(f"/api/v1/commissions/statements/{month}-{self.org.agent.id}").json


def money(row: dict) -> dict:
    keys = ("total", "held", "payable", "released", "payout")
    assert row["payable"] == row["total"] - row["held"]
    assert row["payout"] == row["payable"] + row["released"]
    return {key: row[key] for key in keys}


def on(moment: str, app, org) -> Day:
    clock.set_now(moment)  # the test's clock is put back after it (conftest _clock)
    return Day(app, org)


@pytest.mark.today("2026-12-10")
def test_cash_is_held_at_close_and_released_by_the_close_after_it_is_settled(app, db, org, workers):
    day = Day(app, org)
    day.pay(workers[0])  # cash in the agent's hands
    day.pay(workers[1], channel="bank")  # settled when recorded
    estimate = day.statement("2026-12")
    assert estimate["state"] == "open"
    assert money(estimate) == {
        "total": 2 * FEE,
        "held": FEE,  # shown before the close: what a close now would hold
        "payable": FEE,
        "released": 0,
        "payout": FEE,
    }
    lines = day.detail("2026-12")["lines"]
    assert sorted(line["held"] for line in lines if line["kind"] == "collection") == [False, True]

    day = on(DECEMBER_CLOSE, app, org)
    day.close("2026-12")
    december = day.statement("2026-12")
    assert december["state"] == "closed"
    assert money(december) == {
        "total": 2 * FEE,
        "held": FEE,
        "payable": FEE,
        "released": 0,
        "payout": FEE,
    }
    assert december["wadah_fee"] == round(2 * FEE / 10)  # of the whole incentive, held or not
    day.deposit_and_confirm(MONTHLY, "VA-DES-01")
    day.pay(workers[2], channel="bank")
    assert day.statement("2027-01")["released"] == 0  # released by the close, not before

    day = on(JANUARY_CLOSE, app, org)
    day.close("2027-01")
    assert money(day.statement("2027-01")) == {
        "total": FEE,
        "held": 0,
        "payable": FEE,
        "released": FEE,  # December's hold: its cash reached the bank in January
        "payout": 2 * FEE,
    }
    assert money(day.statement("2026-12")) == money(december)  # a closed month never changes
    detail = day.detail("2027-01")
    assert [(x["participant"], x["held_month"]) for x in detail["released_lines"]] == [
        (workers[0].full_name, "2026-12")
    ]
    assert not any(line["held"] for line in detail["lines"])

    day = on(FEBRUARY_CLOSE, app, org)
    day.close("2027-02")
    assert money(day.statement("2027-02"))["released"] == 0  # released once


@pytest.mark.today("2026-12-10")
def test_reversing_cash_still_held_cancels_the_hold_and_its_claw_back(app, db, org, workers):
    day = Day(app, org)
    mistaken = day.pay(workers[0])
    day.pay(workers[1])
    day.pay(workers[2], channel="bank")
    day = on(DECEMBER_CLOSE, app, org)
    day.close("2026-12")
    assert money(day.statement("2026-12"))["held"] == 2 * FEE
    day.reverse(mistaken)  # the money never reached the bank, nor the agent its incentive
    day.deposit_and_confirm(MONTHLY, "VA-DES-02")  # settles the other one
    expected = {"total": -FEE, "held": -FEE, "payable": 0, "released": 0, "payout": 0}
    assert money(day.statement("2027-01")) == expected  # the estimate says so before the close

    day = on(JANUARY_CLOSE, app, org)
    day.close("2027-01")
    january = day.statement("2027-01")
    # the claw-back is in the total, and held: it does not reduce what is paid now
    assert money(january) == {**expected, "released": FEE, "payout": FEE}
    assert january["wadah_fee"] == -round(FEE / 10)  # the Wadah's share follows the total
    holds = db.session.scalars(select(CommissionHold).order_by(CommissionHold.id)).all()
    december, january = Month(2026, 12), Month(2027, 1)
    assert [(h.amount, h.month, h.released_month, h.cancelled_month) for h in holds] == [
        (FEE, december, None, january),  # the reversed payment's
        (FEE, december, january, None),  # the settled one's
        (-FEE, january, None, january),  # the claw-back's, cancelled with the first
    ]

    day = on(FEBRUARY_CLOSE, app, org)
    day.close("2027-02")
    assert money(day.statement("2027-02"))["payout"] == 0  # a cancelled hold is never released


@pytest.mark.today("2026-12-10")
def test_reversing_settled_cash_claws_back_as_any_payment(app, db, org, workers):
    day = Day(app, org)
    paid = day.pay(workers[0])
    day.pay(workers[1], channel="bank")
    day.deposit_and_confirm(MONTHLY, "VA-DES-03")  # settled before the close: nothing held
    day = on(DECEMBER_CLOSE, app, org)
    day.close("2026-12")
    assert money(day.statement("2026-12"))["held"] == 0
    day.reverse(paid)
    day = on(JANUARY_CLOSE, app, org)
    day.close("2027-01")
    assert money(day.statement("2027-01")) == {
        "total": -FEE,
        "held": 0,
        "payable": -FEE,  # the agent was paid for it in December
        "released": 0,
        "payout": -FEE,
    }


@pytest.mark.today("2026-12-10")
def test_cash_settled_and_then_reversed_before_the_close_is_cancelled_not_released(
    app, db, org, workers
):
    day = Day(app, org)
    paid = day.pay(workers[0])
    day = on(DECEMBER_CLOSE, app, org)
    day.close("2026-12")
    day.deposit_and_confirm(MONTHLY, "VA-DES-04")
    day.reverse(paid)
    day = on(JANUARY_CLOSE, app, org)
    day.close("2027-01")
    # released and clawed back would transfer the same: nothing for a payment that is undone
    assert money(day.statement("2027-01")) == {
        "total": -FEE,
        "held": -FEE,
        "payable": 0,
        "released": 0,
        "payout": 0,
    }


@pytest.mark.today("2026-12-10")
def test_an_acquisition_is_held_on_the_cash_of_the_payment_that_made_it_count(db, org):
    cash, bank = [], []
    for n in range(25):  # the month's minimum for the acquisition fee
        worker = make_worker(db.session, org.agent, funding="apbd")
        by = org.agent_user if n < 10 else None  # recorded by nobody: settled when recorded
        payment = record_test_payment(db.session, worker, clock.today(), recorded_by=by)
        (cash if n < 10 else bank).append(payment)
    db.session.commit()
    assert all(p.custodian_id == org.agent.id and not p.settled for p in cash)
    close(db.session, "2026-12", org.branch)
    december = figures(db.session, org.agent, "2026-12")
    assert december["new_participants"] == 25
    assert december["total"] == 25 * (ACQUISITION + FEE)
    assert december["held"] == 10 * (ACQUISITION + FEE)
    assert december["payable"] == 15 * (ACQUISITION + FEE)
    held = db.session.scalars(select(CommissionHold.payment_id)).all()
    assert sorted(held) == sorted([p.id for p in cash] * 2)  # its acquisition and collection


@pytest.mark.today("2026-12-10")
def test_a_terminated_agent_gets_the_statement_that_releases_its_hold(app, db, org, workers):
    day = Day(app, org)
    day.pay(workers[0])
    day = on(DECEMBER_CLOSE, app, org)
    day.close("2026-12")
    day.deposit_and_confirm(MONTHLY, "VA-DES-05")
    org.agent.status = "terminated"
    db.session.commit()
    day = on(JANUARY_CLOSE, app, org)
    day.close("2027-01")
    rows = day.supervisor.get("/api/v1/commissions/wadah-statements?month=2027-01").json
    (wadah,) = [row for row in rows if row["wadah_id"] == org.wadah.id]
    assert (wadah["total"], wadah["released"], wadah["payout"]) == (0, FEE, FEE)
    assert wadah["payable"] == FEE  # to the Wadah's account: the payout and its fee (0)


def pdf_text(response) -> str:
    """The PDF's text, its line breaks as spaces (labels may wrap)."""
    assert response.status_code == 200, response.get_json()
    pages = PdfReader(io.BytesIO(response.data)).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


@pytest.mark.today("2026-12-10")
def test_the_pdfs_show_held_payable_released_and_payout_in_both_languages(app, db, org, workers):
    day = Day(app, org)
    day.pay(workers[0])
    day.pay(workers[1], channel="bank")
    day = on(DECEMBER_CLOSE, app, org)
    day.close("2026-12")
    day.deposit_and_confirm(MONTHLY, "VA-DES-06")
    day = on(JANUARY_CLOSE, app, org)
    day.close("2027-01")
    december = f"/api/v1/commissions/statements/2026-12-{org.agent.id}.pdf"
    january = f"/api/v1/commissions/statements/2027-01-{org.agent.id}.pdf"
    text = pdf_text(day.agent.get(december))
    assert "Ditahan Rp 2.520" in text
    assert "Dibayarkan (total − ditahan) Rp 2.520" in text
    assert "Rp 2.520 ditahan" in text.split("Rincian per peserta")[1]  # the line it holds
    english = pdf_text(day.agent.get(january, headers={"Accept-Language": "en"}))
    assert "Held Rp 0" in english
    assert "Payable (total − held) Rp 0" in english
    assert "Released from earlier months Rp 2,520" in english
    assert "Transferred this month Rp 2,520" in english
    released = english.split("Released this month (held by earlier months)")[1]
    assert workers[0].full_name in released and "Rp 2,520 held 2026-12" in released
    wadah = pdf_text(
        day.supervisor.get(f"/api/v1/commissions/wadah-statements/2027-01-{org.wadah.id}.pdf")
    )
    assert "Dilepas dari bulan sebelumnya Rp 2.520" in wadah
    assert "Ditransfer bulan ini Rp 2.520" in wadah


def test_the_openapi_document_describes_the_new_figures(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    statement = schemas["Statement"]["properties"]
    for name in ("held", "payable", "released", "payout"):
        assert statement[name]["type"] == "integer" and statement[name]["description"]

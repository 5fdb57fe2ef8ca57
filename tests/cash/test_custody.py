"""Cash custody through the API (DOMAIN.md §8, API.md "Cash custody"): cash in hand, FIFO
settlement by the bank's statement, limits that block cash payments, the supervisor's queue,
reversals."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from perisai.audit.models import AuditEvent
from perisai.cash.limits import add_limit
from perisai.cash.models import Deposit, StatementLine
from perisai.contributions.models import Payment
from tests.cash.conftest import MONTHLY, deposit, pay, position, statement

pytestmark = pytest.mark.today("2026-12-10")


def test_cash_in_hand_follows_cash_payments_and_deposits(as_agent, org, workers):
    pay(as_agent, workers[0], 3)
    pay(as_agent, workers[1], 2)
    pay(as_agent, workers[2], 1, channel="bank")  # never in the agent's hands
    before = position(as_agent, org.agent.agent_code)
    assert before["cash_in_hand"] == 5 * MONTHLY
    assert before["unsettled_since"] == "2026-12-10"
    assert before["ceiling"] == 2_000_000 and before["max_age_days"] == 3
    assert before["blocked"] is False
    assert [c["amount"] for c in before["open"]] == [3 * MONTHLY, 2 * MONTHLY]
    deposit(as_agent, 3 * MONTHLY + 1_000, "VA-001")  # covers the first and part of the second
    after = position(as_agent, org.agent.agent_code)
    assert after["cash_in_hand"] == 2 * MONTHLY - 1_000
    assert after["unconfirmed_deposits"] == 3 * MONTHLY + 1_000
    assert [c["amount"] for c in after["open"]] == [2 * MONTHLY - 1_000]
    # nothing is settled before the bank confirms it
    assert after["unsettled_amount"] == 5 * MONTHLY and after["unsettled_payments"] == 2


def test_payments_carry_settled(as_agent, workers):
    cash = pay(as_agent, workers[0], 1)
    bank = pay(as_agent, workers[1], 1, channel="bank")
    assert cash["settled"] is False and cash["settled_at"] is None
    assert bank["settled"] is True


def test_a_statement_settles_the_oldest_cash_first(as_agent, as_supervisor, org, workers, db):
    first = pay(as_agent, workers[0], 2, paid_on=date(2026, 12, 8))
    second = pay(as_agent, workers[1], 1, paid_on=date(2026, 12, 9))
    third = pay(as_agent, workers[2], 1)
    deposit(as_agent, 3 * MONTHLY, "BRIVA 8812 001", date(2026, 12, 9))
    result = statement(as_supervisor, [("2026-12-10", "brIVA-8812-001", 3 * MONTHLY)])
    assert result["matched"] == 1 and result["unmatched"] == []
    settled = {
        p["id"]: p["settled"]
        for p in (
            as_agent.get(f"/api/v1/payments/{x['id']}").get_json() for x in (first, second, third)
        )
    }
    assert settled == {first["id"]: True, second["id"]: True, third["id"]: False}
    assert position(as_agent, org.agent.agent_code)["unsettled_amount"] == MONTHLY
    shown = as_agent.get("/api/v1/cash/deposits").get_json()
    assert [d["state"] for d in shown] == ["matched"]


def test_a_partial_deposit_settles_nothing_of_the_payment_it_does_not_cover(
    as_agent, as_supervisor, workers
):
    only = pay(as_agent, workers[0], 2)
    deposit(as_agent, MONTHLY, "VA-77")
    assert statement(as_supervisor, [("2026-12-10", "VA-77", MONTHLY)])["matched"] == 1
    assert as_agent.get(f"/api/v1/payments/{only['id']}").get_json()["settled"] is False
    deposit(as_agent, MONTHLY, "VA-78")
    statement(as_supervisor, [("2026-12-10", "VA-78", MONTHLY)])
    assert as_agent.get(f"/api/v1/payments/{only['id']}").get_json()["settled"] is True


def test_the_same_statement_uploaded_again_changes_nothing(as_agent, as_supervisor, workers, db):
    pay(as_agent, workers[0], 1)
    deposit(as_agent, MONTHLY, "VA-100")
    rows = [("2026-12-10", "VA-100", MONTHLY), ("2026-12-10", "UNKNOWN-9", 55_000)]
    first = statement(as_supervisor, rows)
    lines_before = db.session.scalar(select(StatementLine.id).order_by(StatementLine.id.desc()))
    again = statement(as_supervisor, rows, expect=200)
    assert again["id"] == first["id"] and again["created"] is False
    assert again["matched"] == 1 and [u["reference"] for u in again["unmatched"]] == ["UNKNOWN-9"]
    lines_after = db.session.scalar(select(StatementLine.id).order_by(StatementLine.id.desc()))
    assert lines_after == lines_before


def test_an_overlapping_export_reads_a_credit_once(as_agent, as_supervisor, workers, db):
    pay(as_agent, workers[0], 1)
    deposit(as_agent, MONTHLY, "VA-200")
    statement(as_supervisor, [("2026-12-10", "VA-200", MONTHLY)])
    later = statement(
        as_supervisor, [("2026-12-10", "VA-200", MONTHLY), ("2026-12-11", "X-1", 10_000)]
    )
    assert later["matched"] == 0 and [u["reference"] for u in later["unmatched"]] == ["X-1"]
    states = db.session.scalars(
        select(StatementLine.state).where(StatementLine.statement_id == later["id"])
    ).all()
    assert sorted(states) == ["duplicate", "unmatched"]


def test_a_credit_outside_the_date_window_is_not_matched(as_agent, as_supervisor, workers):
    pay(as_agent, workers[0], 1, paid_on=date(2026, 12, 1))
    deposit(as_agent, MONTHLY, "VA-300", date(2026, 12, 1))
    late = statement(as_supervisor, [("2026-12-09", "VA-300", MONTHLY)])  # 8 days after
    assert late["matched"] == 0 and len(late["unmatched"]) == 1


def test_an_unmatched_line_paired_by_the_supervisor_settles_the_cash(
    as_agent, as_supervisor, org, workers, db
):
    paid = pay(as_agent, workers[0], 1)
    made = deposit(as_agent, MONTHLY, "VA-400")
    result = statement(as_supervisor, [("2026-12-10", "VA-4OO", MONTHLY)])  # a typo by the bank
    line = result["unmatched"][0]
    queued = as_supervisor.get("/api/v1/cash/queue/lines").get_json()
    assert [q["id"] for q in queued] == [line["id"]]
    refused = as_supervisor.post(
        f"/api/v1/cash/queue/lines/{line['id']}/resolve", json={"decision": "pair", "note": ""}
    )
    assert refused.status_code == 422 and "note" in refused.get_json()["errors"]["json"]
    done = as_supervisor.post(
        f"/api/v1/cash/queue/lines/{line['id']}/resolve",
        json={
            "decision": "pair",
            "note": "typo O for 0 in the bank's reference",
            "deposit_id": made["id"],
        },
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["state"] == "paired"
    assert as_agent.get(f"/api/v1/payments/{paid['id']}").get_json()["settled"] is True
    assert as_supervisor.get("/api/v1/cash/queue/lines").get_json() == []
    again = as_supervisor.post(
        f"/api/v1/cash/queue/lines/{line['id']}/resolve",
        json={"decision": "dismiss", "note": "second thoughts"},
    )
    assert again.status_code == 409
    audited = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "statement_line", AuditEvent.entity_id == str(line["id"])
        )
    ).all()
    assert audited == ["pair"]


def test_a_deposit_rejected_by_the_supervisor_is_cash_in_hand_again(
    as_agent, as_supervisor, org, workers, db
):
    pay(as_agent, workers[0], 1, paid_on=date(2026, 12, 2))
    made = deposit(as_agent, MONTHLY, "COUNTER-5", date(2026, 12, 3))
    assert position(as_agent, org.agent.agent_code)["cash_in_hand"] == 0
    queued = as_supervisor.get("/api/v1/cash/queue/deposits").get_json()
    assert [d["id"] for d in queued] == [made["id"]]  # 7 days without the bank's line
    rejected = as_supervisor.post(
        f"/api/v1/cash/deposits/{made['id']}/resolve",
        json={"decision": "reject", "note": "no such credit at the bank"},
    )
    assert rejected.status_code == 200 and rejected.get_json()["state"] == "rejected"
    now = position(as_agent, org.agent.agent_code)
    assert now["cash_in_hand"] == MONTHLY and now["blocked"] is True
    assert now["block_reason"] == "age"


def test_a_confirmed_deposit_settles_without_a_line(as_agent, as_supervisor, workers):
    paid = pay(as_agent, workers[0], 1)
    made = deposit(as_agent, MONTHLY, "COUNTER-6")
    confirmed = as_supervisor.post(
        f"/api/v1/cash/deposits/{made['id']}/resolve",
        json={"decision": "confirm", "note": "slip checked against the counter's book"},
    )
    assert confirmed.get_json()["state"] == "confirmed"
    assert as_agent.get(f"/api/v1/payments/{paid['id']}").get_json()["settled"] is True


def test_the_ceiling_blocks_a_cash_payment(as_agent, org, workers):
    for worker in workers[:9]:
        pay(as_agent, worker, 12)  # 9 × 201.600 = 1.814.400
    assert position(as_agent, org.agent.agent_code)["blocked"] is False
    pay(as_agent, workers[9], 12)  # 2.016.000: over the ceiling now
    blocked = position(as_agent, org.agent.agent_code)
    assert blocked["blocked"] is True and blocked["block_reason"] == "ceiling"
    refused = pay(as_agent, workers[10], 1, expect=422)
    assert "Rp 2.016.000" in refused["errors"]["json"]["channel"][0]
    assert refused["errors"]["json"]["channel"][0].startswith("Uang tunai di tangan")
    pay(as_agent, workers[10], 1, channel="bank")  # another channel still goes through
    deposit(as_agent, 201_600, "VA-900")
    pay(as_agent, workers[11], 1)  # the deposit lifted the block


def test_the_age_limit_blocks_a_cash_payment(as_agent, org, workers, client):
    pay(as_agent, workers[0], 1, paid_on=date(2026, 12, 6))  # 4 days ago: over 3 days
    refused = pay(as_agent, workers[1], 1, expect=422)
    assert "2026-12-06" in refused["errors"]["json"]["channel"][0]
    english = as_agent.post(
        f"/api/v1/workers/{workers[1].id}/payments",
        json={
            "id": str(uuid.uuid4()),
            "months": 1,
            "amount": MONTHLY,
            "paid_on": "2026-12-10",
            "channel": "cash",
        },
        headers={"Accept-Language": "en"},
    )
    assert english.get_json()["errors"]["json"]["channel"][0].startswith("Cash taken on 2026-12-06")


def test_a_cash_payment_taken_before_the_block_is_accepted_when_it_syncs_late(
    as_agent, org, workers
):
    """Offline on the 7th the agent was not blocked yet: the receipt it handed over stands."""
    pay(as_agent, workers[0], 1, paid_on=date(2026, 12, 6))
    pay(as_agent, workers[1], 1, paid_on=date(2026, 12, 7))
    pay(as_agent, workers[2], 1, expect=422)  # today the 6th's cash is too old


def test_an_agent_override_replaces_the_branch_limit(as_agent, as_agent2, org, workers, db):
    add_limit(
        db.session,
        agent_id=org.agent.id,
        branch_id=org.branch.id,
        effective_from=date(2026, 12, 1),
        ceiling=20_000,
        max_age_days=3,
        source="test: a new agent starts with a small ceiling",
    )
    db.session.commit()
    pay(as_agent, workers[0], 2)  # 33.600 > 20.000
    assert position(as_agent, org.agent.agent_code)["blocked"] is True
    assert position(as_agent2, org.agent2.agent_code)["ceiling"] == 2_000_000


def test_reversing_an_unsettled_cash_payment_takes_it_out_of_the_agents_hands(
    as_agent, as_supervisor, org, workers
):
    paid = pay(as_agent, workers[0], 1)
    reversed_ = as_supervisor.post(
        f"/api/v1/payments/{paid['id']}/reverse", json={"reason": "recorded twice by mistake"}
    )
    assert reversed_.status_code == 200
    now = position(as_agent, org.agent.agent_code)
    assert now["cash_in_hand"] == 0 and now["unsettled_amount"] == 0


def test_reversing_a_settled_cash_payment_leaves_credit_for_the_next(
    as_agent, as_supervisor, org, workers, db
):
    first = pay(as_agent, workers[0], 1)
    deposit(as_agent, MONTHLY, "VA-500")
    statement(as_supervisor, [("2026-12-10", "VA-500", MONTHLY)])
    assert as_agent.get(f"/api/v1/payments/{first['id']}").get_json()["settled"] is True
    as_supervisor.post(f"/api/v1/payments/{first['id']}/reverse", json={"reason": "wrong person"})
    second = pay(as_agent, workers[1], 1)
    # the money of the reversed payment reached the bank: it settles the next cash payment
    stored = db.session.get(Payment, uuid.UUID(second["id"]))
    assert stored.settled_at is not None
    assert position(as_agent, org.agent.agent_code)["cash_in_hand"] == 0


def test_a_deposit_is_recorded_once(as_agent, org, db):
    made = deposit(as_agent, 50_000, "VA-600")
    again = deposit(as_agent, 50_000, "VA-600", deposit_id=made["id"], expect=200)
    assert again["id"] == made["id"]
    clash = as_agent.post(
        "/api/v1/cash/deposits",
        json={
            "id": made["id"],
            "amount": 60_000,
            "channel": "va",
            "reference": "VA-600",
            "deposited_on": "2026-12-10",
        },
    )
    assert clash.status_code == 409 and "id" in clash.get_json()["errors"]["json"]
    assert db.session.query(Deposit).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"channel": "cash"}, "channel"),
        ({"reference": "<b>"}, "reference"),
        ({"deposited_on": "2026-12-11"}, "deposited_on"),
        ({"deposited_on": "2026-10-01"}, "deposited_on"),
    ],
)
def test_a_bad_deposit_is_refused_with_the_field(as_agent, db, change, field):
    body = {
        "id": str(uuid.uuid4()),
        "amount": 10_000,
        "channel": "bank",
        "reference": "TRX-1",
        "deposited_on": "2026-12-10",
        **change,
    }
    refused = as_agent.post("/api/v1/cash/deposits", json=body)
    assert refused.status_code == 422, refused.get_json()
    assert field in refused.get_json()["errors"]["json"]
    assert db.session.query(Deposit).count() == 0


def test_only_an_agent_records_deposits(as_supervisor):
    refused = as_supervisor.post(
        "/api/v1/cash/deposits",
        json={
            "id": str(uuid.uuid4()),
            "amount": 10_000,
            "channel": "bank",
            "reference": "TRX-1",
            "deposited_on": "2026-12-10",
        },
    )
    assert refused.status_code == 403


def test_a_position_is_seen_by_the_agent_and_its_supervisor_only(
    as_agent, as_agent2, as_supervisor, as_other_supervisor, org
):
    code = org.agent.agent_code
    assert as_agent.get(f"/api/v1/cash/agents/{code}").status_code == 200
    assert as_supervisor.get(f"/api/v1/cash/agents/{code}").status_code == 200
    assert as_agent2.get(f"/api/v1/cash/agents/{code}").status_code == 404
    assert as_other_supervisor.get(f"/api/v1/cash/agents/{code}").status_code == 404


def test_a_statement_with_a_missing_column_or_a_bad_line_stores_nothing(as_supervisor, db):
    missing = as_supervisor.post(
        "/api/v1/cash/statements",
        data=b"tanggal,ref,amount\n2026-12-10,A,1000\n",
        headers={"Content-Type": "text/csv"},
    )
    assert missing.status_code == 422
    assert "date" in missing.get_json()["errors"]["files"]["file"][0]
    bad = as_supervisor.post(
        "/api/v1/cash/statements",
        data=b"date,reference,amount\n2026-12-10,A,1000\n2026-13-01,B,1000\n2026-12-10,C,12.50\n",
        headers={"Content-Type": "text/csv"},
    )
    assert bad.status_code == 422
    message = bad.get_json()["errors"]["files"]["file"][0]
    assert (
        message.startswith("2 baris tidak terbaca")
        and "3: date" in message
        and "4: amount" in message
    )
    assert db.session.query(StatementLine).count() == 0


def test_a_bank_format_reads_its_own_columns(as_agent, as_supervisor, workers):
    paid = pay(as_agent, workers[0], 1)
    deposit(as_agent, MONTHLY, "MDR 55")
    csv_text = (
        f"Tanggal;Keterangan;Kredit\n10/12/2026;MDR55;{MONTHLY:,}".replace(",", ".") + ",00\n"
    )
    response = as_supervisor.post(
        "/api/v1/cash/statements?format=mandiri",
        data={"file": (__import__("io").BytesIO(csv_text.encode()), "mandiri.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["matched"] == 1
    assert as_agent.get(f"/api/v1/payments/{paid['id']}").get_json()["settled"] is True
    unknown = as_supervisor.post(
        "/api/v1/cash/statements?format=nope", data=b"x", headers={"Content-Type": "text/csv"}
    )
    assert (
        unknown.status_code == 422
        and "mandiri" in unknown.get_json()["errors"]["query"]["format"][0]
    )


def test_an_agent_may_not_upload_a_statement(as_agent):
    response = as_agent.post(
        "/api/v1/cash/statements",
        data=b"date,reference,amount\n",
        headers={"Content-Type": "text/csv"},
    )
    assert response.status_code == 403

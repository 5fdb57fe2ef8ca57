"""Deposits and cash payments through the outbox (API.md "Sync", "Cash custody"): a deposit
applied exactly once, the batch's own cash counted towards the limits, a deposit in the batch
lifting the block for the payments after it."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from perisai.cash.models import Deposit
from tests.cash.conftest import MONTHLY, position

pytestmark = pytest.mark.today("2026-12-10")


def _deposit_op(amount, reference, deposited_on="2026-12-10", op_id=None, deposit_id=None):
    return {
        "op_id": op_id or str(uuid.uuid4()),
        "type": "cash.deposit",
        "payload": {
            "id": deposit_id or str(uuid.uuid4()),
            "amount": amount,
            "channel": "bank",
            "reference": reference,
            "deposited_on": deposited_on,
        },
    }


def _payment_op(worker, months=1, paid_on="2026-12-10", channel="cash"):
    return {
        "op_id": str(uuid.uuid4()),
        "type": "payment.record",
        "payload": {
            "worker_id": str(worker.id),
            "id": str(uuid.uuid4()),
            "months": months,
            "amount": months * MONTHLY,
            "paid_on": paid_on,
            "channel": channel,
        },
    }


def _sync(client, operations):
    response = client.post("/api/v1/sync", json={"operations": operations})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def test_a_deposit_through_the_outbox_is_applied_exactly_once(as_agent, org, db):
    op = _deposit_op(40_000, "TRF 123")
    first = _sync(as_agent, [op])
    assert first[0]["status"] == "applied" and first[0]["http_status"] == 201
    assert first[0]["entity"]["state"] == "recorded"
    again = _sync(as_agent, [op])
    assert again[0]["status"] == "duplicate"
    assert again[0]["entity"]["id"] == first[0]["entity"]["id"]
    assert db.session.query(Deposit).count() == 1
    changed = dict(op, payload={**op["payload"], "amount": 41_000})
    assert _sync(as_agent, [changed])[0]["status"] == "rejected"


def test_a_batch_counts_its_own_cash_towards_the_ceiling(as_agent, org, workers):
    operations = [_payment_op(w, 12) for w in workers[:11]]  # 11 × 201.600
    results = _sync(as_agent, operations)
    statuses = [r["status"] for r in results]
    # the tenth takes cash in hand over 2.000.000; the eleventh is refused
    assert statuses == ["applied"] * 10 + ["rejected"]
    assert "channel" in results[-1]["errors"]["json"]
    assert position(as_agent, org.agent.agent_code)["cash_in_hand"] == 10 * 12 * MONTHLY


def test_a_deposit_earlier_in_the_batch_lifts_the_block(as_agent, org, workers):
    _sync(as_agent, [_payment_op(workers[0], 1, paid_on="2026-12-05")])
    blocked = _sync(as_agent, [_payment_op(workers[1])])
    assert blocked[0]["status"] == "rejected"
    results = _sync(
        as_agent, [_deposit_op(MONTHLY, "TRF-9", "2026-12-09"), _payment_op(workers[1])]
    )
    assert [r["status"] for r in results] == ["applied", "applied"]


def test_cash_taken_offline_before_the_block_syncs_days_later(as_agent, org, workers):
    """Taken on the 6th and the 7th (not blocked then), synced on the 10th: both stand."""
    results = _sync(
        as_agent,
        [
            _payment_op(workers[0], paid_on="2026-12-06"),
            _payment_op(workers[1], paid_on="2026-12-07"),
        ],
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert (
        position(as_agent, org.agent.agent_code)["unsettled_since"] == date(2026, 12, 6).isoformat()
    )

"""A registration taken offline keeps the day the agent took it (issue 15): a payment taken
on that day, sent days later in the same batch, is not refused as paid before the registration."""

import uuid

import pytest

from tests.factories import worker_payload
from tests.sync.test_sync import op, price, sync


def _payment(worker_id, amount, paid_on):
    return {
        "worker_id": worker_id,
        "id": str(uuid.uuid4()),
        "months": 1,
        "amount": amount,
        "paid_on": paid_on,
        "channel": "cash",
    }


@pytest.mark.today("2026-12-04")
def test_a_registration_and_its_payment_taken_offline_days_ago_are_both_applied(as_agent):
    worker_id = str(uuid.uuid4())
    amount = price(as_agent, start="2026-12")
    register, pay = sync(
        as_agent,
        op(payload=worker_payload(id=worker_id, registered_on="2026-12-01")),
        op("payment.record", _payment(worker_id, amount, "2026-12-01")),
    )
    assert register["status"] == "applied" and pay["status"] == "applied", pay
    assert register["entity"]["registered_on"] == "2026-12-01"
    assert pay["entity"]["covers"] == ["2026-12"]
    shown = as_agent.get(f"/api/v1/workers/{worker_id}").get_json()
    assert shown["registered_on"] == "2026-12-01" and shown["covered_until"] == "2026-12"


@pytest.mark.today("2026-12-04")
def test_a_payment_dated_before_the_day_the_registration_was_taken_is_still_refused(as_agent):
    worker_id = str(uuid.uuid4())
    amount = price(as_agent, start="2026-11")
    register, pay = sync(
        as_agent,
        op(payload=worker_payload(id=worker_id, registered_on="2026-12-01")),
        op("payment.record", _payment(worker_id, amount, "2026-11-30")),
    )
    assert register["status"] == "applied"
    assert pay["status"] == "rejected" and pay["http_status"] == 422
    assert "paid_on" in pay["errors"]["json"]


@pytest.mark.today("2026-12-04")
def test_a_phone_that_sends_no_registration_day_gets_today(as_agent):
    payload = worker_payload(id=str(uuid.uuid4()))
    created = as_agent.post("/api/v1/workers", json=payload)
    assert created.status_code == 201
    assert created.get_json()["registered_on"] == "2026-12-04"
    # The same body again (a phone that predates the field, retrying) is the same participant.
    again = as_agent.post("/api/v1/workers", json=payload)
    assert again.status_code == 200  # the same registration resent, not a new one (201)
    assert again.get_json()["membership_number"] == created.get_json()["membership_number"]


@pytest.mark.today("2026-12-04")
@pytest.mark.parametrize(
    ("day", "english"),
    [("2026-12-06", "may not be in the future"), ("2025-12-01", "at most 366 days ago")],
)
def test_a_registration_day_in_the_future_or_over_a_year_ago_is_refused(as_agent, day, english):
    payload = worker_payload(id=str(uuid.uuid4()), registered_on=day)
    response = as_agent.post("/api/v1/workers", json=payload, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert english in response.get_json()["errors"]["json"]["registered_on"][0]
    assert as_agent.get(f"/api/v1/workers/{payload['id']}").status_code == 404

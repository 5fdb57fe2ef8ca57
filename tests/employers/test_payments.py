"""An employer's monthly payment: the amount is the quote's (fine included), once per month,
idempotent on the client id, with its receipt as a PDF and the agent's commission from its own
rule set (zero as seeded)."""

from __future__ import annotations

import io
import uuid

import pytest
from pypdf import PdfReader

from tests.employers.helpers import add_worker, register


def _pay(client, employer_id, month, amount, paid_on="2026-06-15", **extra):
    body = {
        "id": str(uuid.uuid4()),
        "month": month,
        "amount": amount,
        "paid_on": paid_on,
        "channel": "bank",
        **extra,
    }
    return client.post(f"/api/v1/employers/{employer_id}/payments", json=body), body


@pytest.fixture
def small_employer(as_agent, org):
    """Small, risk group 2, two workers of Rp 5,000,000 and Rp 3,000,000, since March 2026:
    JKK 0.54 % 27,000 + 16,200; JKM 0.30 % 15,000 + 9,000; JHT 3.7 % 185,000 + 111,000 and
    2 % 100,000 + 60,000 → employer 363,200, workers 160,000, 523,200 a month."""
    employer = register(as_agent, size="small", risk_group=2, registered_on="2026-03-02")
    add_worker(as_agent, employer["id"], wage=5_000_000)
    add_worker(as_agent, employer["id"], wage=3_000_000)
    return employer


@pytest.mark.today("2026-06-15")
def test_a_month_paid_at_the_quoted_amount_once(as_agent, small_employer):
    url = f"/api/v1/employers/{small_employer['id']}"
    quote = as_agent.get(f"{url}/quote?month=2026-05").get_json()
    assert (quote["employer_total"], quote["worker_total"], quote["total"]) == (
        363_200,
        160_000,
        523_200,
    )
    wrong, _ = _pay(as_agent, small_employer["id"], "2026-05", 500_000)
    assert wrong.status_code == 422
    assert wrong.get_json()["expected_amount"] == 523_200
    paid, body = _pay(as_agent, small_employer["id"], "2026-05", 523_200, reference="TRF-77")
    assert paid.status_code == 201, paid.get_json()
    payment = paid.get_json()
    assert payment["receipt_number"] == f"{small_employer['registration_number']}-202605"
    assert (payment["jkk"], payment["jkm"]) == (43_200, 24_000)
    assert (payment["jht_employer"], payment["jht_worker"]) == (296_000, 160_000)
    assert (payment["jp_employer"], payment["jp_worker"], payment["fine"]) == (0, 0, 0)
    assert (payment["workers"], payment["wage_total"]) == (2, 8_000_000)
    again = as_agent.post(f"{url}/payments", json=body)
    assert (again.status_code, again.get_json()["id"]) == (200, payment["id"])
    twice, _ = _pay(as_agent, small_employer["id"], "2026-05", 523_200)
    assert twice.status_code == 409
    assert twice.get_json()["errors"]["json"]["month"]
    assert [p["month"] for p in as_agent.get(f"{url}/payments").get_json()] == ["2026-05"]


@pytest.mark.today("2026-06-15")
def test_a_late_month_is_paid_with_its_fine(as_agent, small_employer):
    """March 2026 paid on 2026-06-15: due 2026-04-15, so 2 months late (one full, one part):
    fine 523,200 × 4 % = 20,928."""
    url = f"/api/v1/employers/{small_employer['id']}/quote?month=2026-03&paid_on=2026-06-15"
    quote = as_agent.get(url).get_json()
    assert (quote["months_late"], quote["fine"], quote["amount_due"]) == (2, 20_928, 544_128)
    too_little, _ = _pay(as_agent, small_employer["id"], "2026-03", 523_200)
    assert too_little.status_code == 422
    paid, _ = _pay(as_agent, small_employer["id"], "2026-03", 544_128)
    assert paid.status_code == 201
    assert (paid.get_json()["months_late"], paid.get_json()["fine"]) == (2, 20_928)


@pytest.mark.today("2026-06-15")
def test_months_and_days_a_payment_may_not_have(as_agent, small_employer):
    future_month, _ = _pay(as_agent, small_employer["id"], "2026-07", 523_200)
    assert future_month.get_json()["errors"]["json"]["month"]
    before, _ = _pay(as_agent, small_employer["id"], "2026-02", 523_200)
    assert before.get_json()["errors"]["json"]["month"]
    future_day, _ = _pay(as_agent, small_employer["id"], "2026-05", 523_200, paid_on="2026-06-16")
    assert future_day.get_json()["errors"]["json"]["paid_on"]
    early, _ = _pay(as_agent, small_employer["id"], "2026-03", 523_200, paid_on="2026-03-01")
    assert early.get_json()["errors"]["json"]["paid_on"]
    empty = register(as_agent)
    nobody, _ = _pay(as_agent, empty["id"], "2026-06", 0)
    assert nobody.status_code == 422
    assert nobody.get_json()["errors"]["json"]["month"]


@pytest.mark.today("2026-06-15")
def test_the_receipt_is_a_pdf_with_the_shares_and_fine(as_agent, as_agent2, small_employer):
    _pay(as_agent, small_employer["id"], "2026-03", 544_128)
    url = f"/api/v1/employers/{small_employer['id']}/receipts/2026-03.pdf"
    response = as_agent.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(_bytes(response)).pages)
    assert small_employer["registration_number"] in text
    assert "544.128" in text and "20.928" in text and "296.000" in text
    english = as_agent.get(url, headers={"Accept-Language": "en"})
    assert "EMPLOYER CONTRIBUTION RECEIPT" in _text(english)
    assert as_agent.get(url.replace("2026-03", "2026-04")).status_code == 404
    assert as_agent.get(url.replace("2026-03", "2026-13")).status_code == 404
    assert as_agent2.get(url).status_code == 404


@pytest.mark.today("2026-06-15")
def test_the_agents_commission_on_employers_is_its_own_rule_set(as_admin, as_agent, small_employer):
    first, _ = _pay(as_agent, small_employer["id"], "2026-05", 523_200)
    assert first.get_json()["commission_rule_id"] is not None
    assert first.get_json()["commission"] == 0  # as seeded: nothing until the board decides
    rule = {
        "effective_from": "2026-06",
        "first_payment_fee": 50_000,
        "collection_bp": 150,
        "source": "test: Rp 50,000 for a first month, 1.5 % of contributions",
    }
    assert as_admin.post("/api/v1/employer-rules/commission", json=rule).status_code == 201
    second, _ = _pay(as_agent, small_employer["id"], "2026-06", 523_200)
    assert second.get_json()["commission"] == 7_848  # 1.5 % of 523,200; not the first month
    other = register(as_agent, size="micro", risk_group=1)
    add_worker(as_agent, other["id"], wage=5_000_000)
    firsts, _ = _pay(as_agent, other["id"], "2026-06", 27_000)
    assert firsts.get_json()["commission"] == 50_405  # 50,000 + 1.5 % of 27,000


def _bytes(response):
    return io.BytesIO(response.data)


def _text(response) -> str:
    return " ".join(page.extract_text() for page in PdfReader(_bytes(response)).pages)

"""The Contributions contract of API.md through HTTP: shapes, idempotency, errors, receipts."""

import io
import json
import uuid

import pytest
from pypdf import PdfReader

from perisai import clock
from perisai.months import Month, month_range
from tests.factories import make_worker

FULL = 16_800  # an APBD-funded participant never gets the PP 50/2025 discount


@pytest.fixture
def worker(db, org):
    worker = make_worker(db.session, org.agent, funding="apbd", full_name="Siti Nelayan")
    db.session.commit()
    return worker


def body(months=1, amount=None, **extra):
    return {
        "id": str(uuid.uuid4()),
        "months": months,
        "amount": amount or months * FULL,
        "paid_on": clock.today().isoformat(),
        "channel": "cash",
        **extra,
    }


def test_quote_shape_for_a_participant(as_agent, worker):
    response = as_agent.get(f"/api/v1/workers/{worker.id}/quote?months=3")
    assert response.status_code == 200
    quote = response.get_json()
    this_month = Month.of(clock.today())
    assert quote["total"] == 3 * FULL
    assert [m["month"] for m in quote["months"]] == [str(m) for m in month_range(this_month, 3)]
    assert quote["months"][0] | {} == {
        "month": str(this_month),
        "jkk": 10_000,
        "jkm": 6_800,
        "jht": 0,
        "total": FULL,
        "rate_version_id": 1,
        "discount_rule_id": None,
    }
    assert quote["status"] == "registered" and quote["arrears_months"] == 0


def test_reference_quote_needs_no_participant(client):
    response = client.get(
        "/api/v1/reference/quote?income_level=1000000&programs=JKK,JKM,JHT&sector=transport"
        "&funding=self&start_month=2026-02&months=1"
    )
    assert response.status_code == 200
    assert response.get_json()["total"] == 28_400
    assert response.get_json()["months"][0]["jht"] == 20_000
    twelve = client.get(
        "/api/v1/reference/quote?income_level=1000000&programs=JKK,JKM&sector=other"
        "&funding=self&start_month=2026-12&months=12"
    ).get_json()
    assert [m["total"] for m in twelve["months"]] == [8_400] + [16_800] * 11
    assert twelve["total"] == 193_200


@pytest.mark.parametrize(
    "query, field",
    [
        ("income_level=1000000&programs=JKK&start_month=2026-01", "programs"),
        ("income_level=1000001&start_month=2026-01", "income_level"),
        ("income_level=1000000&months=13", "months"),
        ("income_level=1000000&sector=air", "sector"),
        ("income_level=1000000&start_month=2026-13", "start_month"),
        ("programs=JKK,JKM", "income_level"),
    ],
)
def test_reference_quote_errors(client, query, field):
    response = client.get(f"/api/v1/reference/quote?{query}")
    assert response.status_code == 422
    payload = response.get_json()
    assert set(payload) == {"code", "status", "message", "errors"}
    assert field in payload["errors"]["query"]


def test_record_a_payment(as_agent, worker):
    sent = body(months=3)
    response = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=sent)
    assert response.status_code == 201, response.get_json()
    payment = response.get_json()
    this_month = Month.of(clock.today())
    assert payment["id"] == sent["id"]
    assert payment["amount"] == 3 * FULL
    assert payment["covers"] == [str(m) for m in month_range(this_month, 3)]
    assert payment["receipt_number"] == f"{worker.membership_number}-001"
    shown = as_agent.get(f"/api/v1/workers/{worker.id}").get_json()
    assert shown["status"] == "active" and shown["covered_until"] == str(this_month + 2)


def test_the_same_payment_id_again_is_the_same_payment(as_agent, worker):
    sent = body(months=2)
    first = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=sent)
    again = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=sent)
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["receipt_number"] == first.get_json()["receipt_number"]
    listed = as_agent.get(f"/api/v1/workers/{worker.id}/payments")
    assert len(listed.get_json()) == 1
    assert json.loads(listed.headers["X-Pagination"]) == {"total": 1, "page": 1, "page_size": 50}


def test_the_same_id_with_other_content_is_409(as_agent, worker):
    sent = body(months=2)
    as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=sent)
    response = as_agent.post(
        f"/api/v1/workers/{worker.id}/payments", json={**sent, "months": 1, "amount": FULL}
    )
    assert response.status_code == 409
    assert response.get_json()["errors"] == {
        "json": {"id": ["ID pembayaran ini sudah dipakai untuk pembayaran lain."]}
    }


def test_a_wrong_amount_is_422_naming_the_expected_amount(as_agent, worker):
    url = f"/api/v1/workers/{worker.id}/payments"
    response = as_agent.post(url, json=body(months=2, amount=30_000))
    assert response.status_code == 422
    payload = response.get_json()
    assert payload["code"] == 422 and payload["expected_amount"] == 33_600
    assert "33600" in payload["message"] and "Rp 33.600" in payload["message"]
    assert "amount" in payload["errors"]["json"]
    english = as_agent.post(
        url, json=body(months=2, amount=30_000), headers={"Accept-Language": "en"}
    )
    assert "Rp 33,600" in english.get_json()["message"]
    assert as_agent.get(f"/api/v1/workers/{worker.id}/payments").get_json() == []


@pytest.mark.parametrize(
    "change, field",
    [
        ({"months": 0}, "months"),
        ({"months": 13}, "months"),
        ({"channel": "gold"}, "channel"),
        ({"amount": "16800"}, "amount"),
        ({"id": "nope"}, "id"),
        ({"paid_on": "2026-02-30"}, "paid_on"),
        ({"paid_on": "2999-01-01"}, "paid_on"),
        ({"tip": 1}, "tip"),
    ],
)
def test_payment_body_errors(as_agent, worker, change, field):
    response = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json={**body(), **change})
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]


def test_receipt_pdf_is_a6_and_says_what_was_paid(as_agent, worker):
    created = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=body(months=2))
    payment = created.get_json()
    response = as_agent.get(f"/api/v1/payments/{payment['id']}/receipt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    page = reader.pages[0]
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in page.mediabox.upper_right)
    assert round(width_mm) == 105 and round(height_mm) == 148
    text = page.extract_text()
    assert "TANDA BUKTI PENERIMAAN IURAN" in text
    assert payment["receipt_number"] in text
    assert "Siti Nelayan" in text and worker.membership_number in text
    assert "Rp 33.600" in text
    assert worker.nik not in text and worker.nik[:4] + "********" in text
    for month in payment["covers"]:
        assert month in text


def test_receipt_text_for_whatsapp(as_agent, worker):
    payment = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=body(months=3)).get_json()
    response = as_agent.get(
        f"/api/v1/payments/{payment['id']}/receipt.txt", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200 and response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert text.startswith("CONTRIBUTION RECEIPT\n")
    assert payment["receipt_number"] in text and "Rp 50,400" in text
    assert f"{payment['covers'][0]} to {payment['covers'][-1]} (3 months)" in text
    assert worker.nik not in text
    assert len(text) < 480


def test_reversal_by_a_supervisor_reopens_the_months(as_agent, as_supervisor, worker):
    payment = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=body()).get_json()
    url = f"/api/v1/payments/{payment['id']}/reverse"
    assert as_agent.post(url, json={"reason": "salah input"}).status_code == 403
    response = as_supervisor.post(url, json={"reason": "salah input"})
    assert response.status_code == 200 and response.get_json()["reversed"] is True
    assert as_supervisor.post(url, json={"reason": "lagi"}).status_code == 409
    shown = as_agent.get(f"/api/v1/workers/{worker.id}").get_json()
    assert shown["status"] == "registered" and shown["covered_until"] is None
    again = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=body())
    assert again.get_json()["covers"] == payment["covers"]
    assert again.get_json()["receipt_number"].endswith("-002")
    listed = as_agent.get(f"/api/v1/workers/{worker.id}/payments").get_json()
    assert sorted(p["reversed"] for p in listed) == [False, True]


def test_receipt_of_a_reversed_payment_says_so(as_agent, as_supervisor, worker):
    payment = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=body()).get_json()
    as_supervisor.post(f"/api/v1/payments/{payment['id']}/reverse", json={"reason": "keliru"})
    text = as_agent.get(f"/api/v1/payments/{payment['id']}/receipt.txt").get_data(as_text=True)
    assert "DIBATALKAN" in text


def test_scope_other_agents_and_branches_get_404(
    as_agent2, as_other_branch_agent, as_other_supervisor, as_supervisor, worker, as_agent
):
    url = f"/api/v1/workers/{worker.id}"
    for other in (as_agent2, as_other_branch_agent, as_other_supervisor):
        assert other.get(f"{url}/quote").status_code == 404
        assert other.get(f"{url}/payments").status_code == 404
        assert other.post(f"{url}/payments", json=body()).status_code == 404
    payment = as_supervisor.post(f"{url}/payments", json=body())  # the branch may record
    assert payment.status_code == 201
    pid = payment.get_json()["id"]
    for other in (as_agent2, as_other_branch_agent, as_other_supervisor):
        assert other.get(f"/api/v1/payments/{pid}/receipt.pdf").status_code == 404
        assert other.get(f"/api/v1/payments/{pid}/receipt.txt").status_code == 404
    assert (
        as_other_supervisor.post(
            f"/api/v1/payments/{pid}/reverse", json={"reason": "coba"}
        ).status_code
        == 404
    )
    assert as_agent.get(f"/api/v1/payments/{pid}").status_code == 200
    assert as_agent.get(f"/api/v1/payments/{uuid.uuid4()}").status_code == 404


def test_not_logged_in_is_401_with_the_error_shape(client, worker):
    response = client.post(f"/api/v1/workers/{worker.id}/payments", json=body())
    assert response.status_code == 401
    payload = response.get_json()
    assert set(payload) == {"code", "status", "message", "errors"} and payload["code"] == 401


def test_writes_need_the_csrf_header(as_agent, worker):
    response = as_agent.client.post(f"/api/v1/workers/{worker.id}/payments", json=body())
    assert response.status_code == 403


ROLES = ("agent", "supervisor", "admin")


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("get", "/api/v1/workers/{w}/quote", ROLES),
        ("get", "/api/v1/workers/{w}/payments", ROLES),
        ("post", "/api/v1/workers/{w}/payments", ROLES),
        ("get", "/api/v1/renewals", ROLES),
        ("post", "/api/v1/payments/{p}/reverse", ("supervisor", "admin")),
        ("get", "/api/v1/sponsors", ("supervisor", "admin")),
        ("post", "/api/v1/reference/rates", ("admin",)),
        ("post", "/api/v1/reference/discounts", ("admin",)),
    ],
)
@pytest.mark.parametrize("role", [*ROLES, None])
def test_role_by_endpoint(app, org, db, role, method, path, allowed):
    from tests.conftest import login

    worker = make_worker(db.session, org.agent, funding="apbd")
    db.session.commit()
    agent = login(app, org.agent_user.username)
    pid = agent.post(f"/api/v1/workers/{worker.id}/payments", json=body()).get_json()["id"]
    users = {"agent": org.agent_user, "supervisor": org.supervisor_user, "admin": org.admin_user}
    caller = login(app, users[role].username) if role else app.test_client()
    payloads = {
        "/payments": body(),
        "/reverse": {"reason": "uji coba"},
        "/rates": {"effective_from": "2031-01", "jkm_flat": 7_000, "source": "uji"},
        "/discounts": {
            "name": "uji coba",
            "effective_from": "2031-01",
            "effective_to": "2031-02",
            "basis_points_off": 1000,
            "source": "uji",
        },
    }
    kwargs = {}
    if method == "post":
        kwargs["json"] = next(v for k, v in payloads.items() if path.endswith(k))
    response = getattr(caller, method)(path.format(w=worker.id, p=pid), **kwargs)
    if role is None:
        assert response.status_code == 401
    elif role in allowed:
        created = method == "post" and not path.endswith("/reverse")  # a reversal is 200
        assert response.status_code == (201 if created else 200), response.get_json()
    else:
        assert response.status_code == 403
        assert response.get_json()["code"] == 403


def pay_in(client, worker, month: Month, months=1):
    paid_on = month.first_day().isoformat()
    # by bank: months of undeposited cash would block the agent's cash payments (DOMAIN §8)
    sent = {**body(months=months), "paid_on": paid_on, "channel": "bank"}
    with clock.travel(paid_on):  # recorded on its day: history, not a late payment
        response = client.post(f"/api/v1/workers/{worker.id}/payments", json=sent)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_arrears_after_two_unpaid_months_through_the_api(as_agent, worker):
    this_month = Month.of(clock.today())
    pay_in(as_agent, worker, this_month - 2)  # then two months unpaid: last month and this one
    shown = as_agent.get(f"/api/v1/workers/{worker.id}").get_json()
    assert shown["status"] == "grace"
    quote = as_agent.get(f"/api/v1/workers/{worker.id}/quote?months=2").get_json()
    assert [m["month"] for m in quote["months"]] == [str(this_month - 1), str(this_month)]
    assert quote["arrears_months"] == 1 and quote["total"] == 2 * FULL
    paid = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=body(months=2))
    assert paid.get_json()["covers"] == [str(this_month - 1), str(this_month)]


def test_restart_after_four_unpaid_months_through_the_api(as_agent, worker):
    this_month = Month.of(clock.today())
    pay_in(as_agent, worker, this_month - 4)
    assert as_agent.get(f"/api/v1/workers/{worker.id}").get_json()["status"] == "ended"
    paid = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=body(months=1))
    assert paid.get_json()["covers"] == [str(this_month)] and paid.get_json()["amount"] == FULL
    shown = as_agent.get(f"/api/v1/workers/{worker.id}").get_json()
    assert shown["status"] == "active" and shown["covered_until"] == str(this_month)

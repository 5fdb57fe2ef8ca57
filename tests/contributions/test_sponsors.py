"""Sponsors paying 3, 6 or 12 months for a list of participants in one operation."""

import uuid
from datetime import date, timedelta

import pytest

from perisai import clock
from perisai.months import Month, month_range
from tests.factories import make_worker


@pytest.fixture
def sponsor(as_supervisor):
    today = clock.today()
    response = as_supervisor.post(
        "/api/v1/sponsors",
        json={
            "name": "CSR PT Pelabuhan",
            "type": "csr",
            "agreement_reference": "PKS/CSR/01",
            "agreement_start": (today - timedelta(days=90)).isoformat(),
            "agreement_end": (today + timedelta(days=275)).isoformat(),
            "contact_name": "Bu Rina",
            "contact_phone": "+6281234567890",
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def workers(db, org):
    made = [make_worker(db.session, org.agent, full_name=f"Nelayan {i}") for i in range(3)]
    db.session.commit()
    return made


def expected_total(client, months, funding):
    start = Month.of(clock.today())
    quote = client.get(
        f"/api/v1/reference/quote?income_level=1000000&funding={funding}"
        f"&start_month={start}&months={months}"
    ).get_json()
    return quote["total"]


def pay(client, sponsor, workers, months=3, amount=None, **extra):
    body = {
        "id": str(uuid.uuid4()),
        "months": months,
        "paid_on": clock.today().isoformat(),
        "worker_ids": [str(w.id) for w in workers],
        **extra,
    }
    body["amount"] = (
        amount if amount is not None else (len(workers) * expected_total(client, months, "csr"))
    )
    return client.post(f"/api/v1/sponsors/{sponsor['id']}/payments", json=body), body


def test_a_sponsor_pays_for_each_participant_with_its_own_receipt(
    as_supervisor, sponsor, workers, as_agent
):
    response, body = pay(as_supervisor, sponsor, workers, months=6)
    assert response.status_code == 201, response.get_json()
    batch = response.get_json()
    assert batch["participants"] == 3 and batch["amount"] == body["amount"]
    receipts = {p["receipt_number"] for p in batch["payments"]}
    assert len(receipts) == 3
    covers = [str(m) for m in month_range(Month.of(clock.today()), 6)]
    assert all(p["covers"] == covers and p["channel"] == "sponsor" for p in batch["payments"])
    # The managing agent sees the sponsored payment and its receipt.
    mine = as_agent.get(f"/api/v1/workers/{workers[0].id}/payments").get_json()
    assert mine[0]["sponsor_id"] == sponsor["id"]
    receipt = as_agent.get(f"/api/v1/payments/{mine[0]['id']}/receipt.txt")
    assert "CSR PT Pelabuhan" in receipt.get_data(as_text=True)
    again = as_supervisor.post(f"/api/v1/sponsors/{sponsor['id']}/payments", json=body)
    assert again.status_code == 200 and again.get_json()["id"] == batch["id"]


def test_an_apbd_sponsor_pays_the_full_price(as_supervisor, workers):
    today = clock.today()
    apbd = as_supervisor.post(
        "/api/v1/sponsors",
        json={
            "name": "Pemkab Batang",
            "type": "apbd",
            "agreement_reference": "Perbup 7/2026",
            "agreement_start": (today - timedelta(days=30)).isoformat(),
            "agreement_end": (today + timedelta(days=300)).isoformat(),
            "contact_name": "Dinas Tenaga Kerja",
        },
    ).get_json()
    full = 2 * 3 * 16_800
    response, _ = pay(as_supervisor, apbd, workers[:2], months=3, amount=full)
    assert response.status_code == 201, response.get_json()
    assert all(m["total"] == 16_800 for p in response.get_json()["payments"] for m in p["months"])


def test_all_or_nothing(as_supervisor, sponsor, workers, db, org):
    stranger = make_worker(db.session, org.other_agent)  # another branch
    db.session.commit()
    response, _ = pay(as_supervisor, sponsor, [*workers, stranger])
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["worker_ids"] == {
        "3": ["Peserta tidak ditemukan di cabang sponsor."]
    }
    wrong, _ = pay(as_supervisor, sponsor, workers, amount=1)
    assert wrong.status_code == 422 and wrong.get_json()["expected_amount"] > 1
    for worker in workers:
        assert as_supervisor.get(f"/api/v1/workers/{worker.id}/payments").get_json() == []


def test_one_participant_failing_stores_nothing(as_supervisor, as_agent, sponsor, workers):
    # The first participant's months get paid meanwhile, so the batch's price for them changes.
    as_agent.post(
        f"/api/v1/workers/{workers[0].id}/payments",
        json={
            "id": str(uuid.uuid4()),
            "months": 1,
            "channel": "cash",
            "amount": expected_total(as_agent, 1, "self"),
            "paid_on": clock.today().isoformat(),
        },
    )
    response, _ = pay(as_supervisor, sponsor, workers, months=3, amount=0)
    assert response.status_code == 422
    for worker in workers[1:]:
        assert as_supervisor.get(f"/api/v1/workers/{worker.id}/payments").get_json() == []


@pytest.mark.parametrize("change", [{"months": 4}, {"worker_ids": []}, {"paid_on": "2020-01-01"}])
def test_sponsor_payment_validation(as_supervisor, sponsor, workers, change):
    response, _ = pay(as_supervisor, sponsor, workers, **change)
    assert response.status_code == 422


def test_summary(as_supervisor, sponsor, workers, as_other_supervisor, as_agent):
    pay(as_supervisor, sponsor, workers[:2], months=12)
    summary = as_supervisor.get(f"/api/v1/sponsors/{sponsor['id']}/summary").get_json()
    assert summary["sponsor"]["name"] == "CSR PT Pelabuhan"
    assert summary["participants"] == 2 and summary["months_paid"] == 24
    assert summary["amount"] == 2 * expected_total(as_supervisor, 12, "csr")
    assert summary["active_participants"] == 2 and len(summary["operations"]) == 1
    assert {p["full_name"] for p in summary["participant_list"]} == {"Nelayan 0", "Nelayan 1"}
    assert as_other_supervisor.get(f"/api/v1/sponsors/{sponsor['id']}/summary").status_code == 404
    assert as_agent.get(f"/api/v1/sponsors/{sponsor['id']}/summary").status_code == 403
    listed = as_supervisor.get("/api/v1/sponsors")
    assert [s["name"] for s in listed.get_json()] == ["CSR PT Pelabuhan"]
    assert as_other_supervisor.get("/api/v1/sponsors").get_json() == []


def test_admin_must_name_the_branch(as_admin, org):
    body = {
        "name": "Desa Maju",
        "type": "apbdes",
        "agreement_reference": "APBDes 2026",
        "agreement_start": "2026-01-01",
        "agreement_end": "2026-12-31",
        "contact_name": "Kades",
    }
    assert as_admin.post("/api/v1/sponsors", json=body).status_code == 422
    created = as_admin.post("/api/v1/sponsors", json={**body, "branch_id": org.branch.id})
    assert created.status_code == 201
    bad = as_admin.post(
        "/api/v1/sponsors", json={**body, "agreement_end": "2025-01-01", "branch_id": org.branch.id}
    )
    assert bad.status_code == 422 and "agreement_end" in bad.get_json()["errors"]["json"]


def test_sponsor_dates_are_dates(sponsor):
    assert date.fromisoformat(sponsor["agreement_start"])

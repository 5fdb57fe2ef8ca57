"""The receipt reference a phone prints for cash taken offline (agent code + device sequence):
validated, stored, returned, printed on the receipt beside its number, one per agent."""

import io
import uuid

import pytest
from pypdf import PdfReader

from perisai import clock
from perisai.months import Month
from tests.factories import make_worker

FULL = 16_800  # APBD-funded: never discounted


@pytest.fixture
def workers(db, org):
    first = make_worker(db.session, org.agent, funding="apbd", full_name="Siti Nelayan")
    second = make_worker(db.session, org.agent, funding="apbd", full_name="Budi Petani")
    db.session.commit()
    return first, second


def body(**extra):
    return {
        "id": str(uuid.uuid4()),
        "months": 1,
        "amount": FULL,
        "paid_on": clock.today().isoformat(),
        "channel": "cash",
        **extra,
    }


@pytest.mark.today("2026-12-03")
def test_the_reference_is_stored_returned_and_printed_beside_the_receipt_number(as_agent, workers):
    worker = workers[0]
    sent = body(client_reference="AG0001-D3-0042")
    response = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=sent)
    assert response.status_code == 201, response.get_json()
    payment = response.get_json()
    assert payment["client_reference"] == "AG0001-D3-0042"
    assert payment["receipt_number"] == f"{worker.membership_number}-001"
    listed = as_agent.get(f"/api/v1/workers/{worker.id}/payments").get_json()
    assert listed[0]["client_reference"] == "AG0001-D3-0042"
    pdf = as_agent.get(f"/api/v1/payments/{payment['id']}/receipt.pdf")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "No. referensi" in text and "AG0001-D3-0042" in text
    assert payment["receipt_number"] in text
    english = as_agent.get(
        f"/api/v1/payments/{payment['id']}/receipt.txt", headers={"Accept-Language": "en"}
    ).get_data(as_text=True)
    assert "Reference no.: AG0001-D3-0042" in english
    assert f"({worker.membership_number})" in english
    # Sent again (a lost answer): the same payment, the same reference.
    again = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=sent)
    assert again.status_code == 200 and again.get_json()["client_reference"] == "AG0001-D3-0042"


@pytest.mark.today("2026-12-03")
def test_without_a_reference_the_receipt_has_none(as_agent, workers):
    worker = workers[0]
    payment = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=body()).get_json()
    assert payment["client_reference"] is None
    text = as_agent.get(f"/api/v1/payments/{payment['id']}/receipt.txt").get_data(as_text=True)
    assert "referensi" not in text


@pytest.mark.today("2026-12-03")
def test_the_same_reference_for_another_payment_of_the_agent_is_409(as_agent, workers):
    first, second = workers
    url = "/api/v1/workers/{}/payments"
    taken = as_agent.post(url.format(first.id), json=body(client_reference="AG0001-D3-0042"))
    assert taken.status_code == 201
    response = as_agent.post(url.format(second.id), json=body(client_reference="AG0001-D3-0042"))
    assert response.status_code == 409
    assert response.get_json()["errors"] == {
        "json": {
            "client_reference": [
                "Nomor referensi kuitansi AG0001-D3-0042 sudah dipakai untuk pembayaran lain "
                "agen ini."
            ]
        }
    }
    english = as_agent.post(
        url.format(second.id),
        json=body(client_reference="AG0001-D3-0042"),
        headers={"Accept-Language": "en"},
    )
    assert english.status_code == 409
    assert "Receipt reference AG0001-D3-0042 is already used" in english.get_json()["message"]
    # Nothing of the refused payment stays: the second participant is still unpaid.
    shown = as_agent.get(f"/api/v1/workers/{second.id}").get_json()
    assert shown["status"] == "registered" and shown["covered_until"] is None
    # The same participant's next month under the same reference is refused too (not a
    # "months taken" clash), and a fresh reference goes through.
    next_month = as_agent.post(url.format(first.id), json=body(client_reference="AG0001-D3-0042"))
    assert next_month.status_code == 409
    assert "client_reference" in next_month.get_json()["errors"]["json"]
    fresh = as_agent.post(url.format(second.id), json=body(client_reference="AG0001-D3-0043"))
    assert fresh.status_code == 201
    assert fresh.get_json()["covers"] == [str(Month.of(clock.today()))]


@pytest.mark.parametrize(
    "reference, message",
    [
        ("ag0001-d3-0042", "hanya boleh berisi huruf besar, angka dan tanda minus"),
        ("AG 0001", "hanya boleh berisi huruf besar, angka dan tanda minus"),
        ("A" * 41, "40"),
        (42, None),
    ],
)
@pytest.mark.today("2026-12-03")
def test_a_malformed_reference_is_422_on_that_field(as_agent, workers, reference, message):
    worker = workers[0]
    response = as_agent.post(
        f"/api/v1/workers/{worker.id}/payments", json=body(client_reference=reference)
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert list(errors) == ["client_reference"]
    if message:
        assert message in " ".join(errors["client_reference"])
    assert as_agent.get(f"/api/v1/workers/{worker.id}/payments").get_json() == []

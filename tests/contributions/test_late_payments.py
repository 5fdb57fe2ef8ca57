"""Issue 15, "wrong answers about coverage": as_of before the first payment, paid_on before the
registration, and late-recorded payments that wait for a supervisor's approval — through the
API, sync, the receipt, the commission estimate and the supervisor's page."""

from __future__ import annotations

import io
import json
import re
import uuid
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from perisai import clock
from perisai.audit.models import AuditEvent
from perisai.contributions.models import Payment
from tests.commissions.helpers import figures
from tests.factories import make_worker, record_test_payment, worker_payload

FULL = 16_800  # an APBD-funded participant never gets the PP 50/2025 discount
TODAY = "2026-12-02"


def payment_body(months, amount, paid_on, **extra):
    return {
        "id": str(uuid.uuid4()),
        "months": months,
        "amount": amount,
        "paid_on": paid_on,
        "channel": "cash",
        **extra,
    }


def payments_of(db, worker_id) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Payment).where(Payment.worker_id == worker_id)
    )


@pytest.fixture
def lapsed(db, org):
    """Registered in 2025, paid January 2026 on time, nothing since: ended by December."""
    worker = make_worker(
        db.session, org.agent, funding="apbd", created_at=datetime(2025, 6, 1, 3, tzinfo=UTC)
    )
    with clock.travel("2026-01-10"):
        record_test_payment(db.session, worker, date(2026, 1, 10), 1)
    db.session.commit()
    return worker


def late_payment(api, worker, months=11, paid_on="2026-03-15"):
    """The issue's payment: 11 months, paid_on 2026-03-15, recorded on TODAY."""
    quote = api.get(f"/api/v1/workers/{worker.id}/quote?months={months}&as_of={paid_on}")
    assert quote.status_code == 200, quote.get_json()
    response = api.post(
        f"/api/v1/workers/{worker.id}/payments",
        json=payment_body(months, quote.get_json()["total"], paid_on),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


# --- 1. as_of before the first payment --------------------------------------------------------


def test_as_of_before_the_first_payment_or_the_registration_is_registered(as_agent, org):
    with clock.travel("2026-05-20"):
        worker = as_agent.post("/api/v1/workers", json=worker_payload()).get_json()
    with clock.travel("2026-06-10"):
        amount = as_agent.get(f"/api/v1/workers/{worker['id']}/quote?months=3").get_json()
        paid = as_agent.post(
            f"/api/v1/workers/{worker['id']}/payments",
            json=payment_body(3, amount["total"], "2026-06-10"),
        )
        assert paid.status_code == 201 and paid.get_json()["covers"][-1] == "2026-08"
    with clock.travel(TODAY):
        url = f"/api/v1/workers/{worker['id']}"
        for as_of in ("2026-06-09", "2026-05-01"):  # before the first payment; before registering
            body = as_agent.get(f"{url}?as_of={as_of}").get_json()
            assert (body["status"], body["covered_until"]) == ("registered", None), as_of
            quote = as_agent.get(f"{url}/quote?as_of={as_of}").get_json()
            assert (quote["status"], quote["covered_until"]) == ("registered", None), as_of
        body = as_agent.get(f"{url}?as_of=2026-07-01").get_json()
        assert (body["status"], body["covered_until"]) == ("active", "2026-08")
        quote = as_agent.get(f"{url}/quote?as_of=2026-07-01").get_json()
        assert (quote["status"], quote["covered_until"]) == ("active", "2026-08")
        body = as_agent.get(url).get_json()  # today: covered until August, ended since
        assert (body["status"], body["covered_until"]) == ("ended", "2026-08")


# --- 2. paid_on before the registration -------------------------------------------------------


def test_paid_on_before_the_registration_is_refused_in_both_languages(as_agent, db, org):
    """The issue's participant: registered today, a paid_on in January bought cover."""
    with clock.travel(TODAY):
        worker = as_agent.post("/api/v1/workers", json=worker_payload()).get_json()
        url = f"/api/v1/workers/{worker['id']}/payments"
        for paid_on, lang in (("2026-01-15", "id"), ("2026-12-01", "en")):
            response = as_agent.post(
                url, json=payment_body(1, 8_400, paid_on), headers={"Accept-Language": lang}
            )
            assert response.status_code == 422, response.get_json()
            [message] = response.get_json()["errors"]["json"]["paid_on"]
            expected = "pendaftaran" if lang == "id" else "registration"
            assert expected in message and "2026-12-02" in message
        assert payments_of(db, uuid.UUID(worker["id"])) == 0
        assert as_agent.get(f"/api/v1/workers/{worker['id']}").get_json()["covered_until"] is None
        ok = as_agent.post(url, json=payment_body(1, 8_400, TODAY))
        assert ok.status_code == 201, ok.get_json()


def test_paid_on_before_the_registration_is_refused_through_sync(as_agent, db, org):
    with clock.travel(TODAY):
        register = {
            "op_id": str(uuid.uuid4()),
            "type": "worker.register",
            "payload": worker_payload(id=str(uuid.uuid4())),
        }
        worker_id = register["payload"]["id"]
        pay = {
            "op_id": str(uuid.uuid4()),
            "type": "payment.record",
            "payload": {**payment_body(1, 8_400, "2026-11-30"), "worker_id": worker_id},
        }
        response = as_agent.post("/api/v1/sync", json={"operations": [register, pay]})
        assert response.status_code == 200, response.get_json()
        registered, refused = response.get_json()["results"]
    assert registered["status"] == "applied"
    assert refused["status"] == "rejected" and refused["http_status"] == 422
    assert "paid_on" in refused["errors"]["json"]
    assert payments_of(db, uuid.UUID(worker_id)) == 0


# --- 3. late-recorded payments wait for approval ----------------------------------------------


def test_a_late_payment_for_ended_months_gives_no_cover_until_approved(
    as_agent, as_supervisor, as_other_supervisor, db, lapsed
):
    with clock.travel(TODAY):
        payment = late_payment(as_agent, lapsed)
        assert payment["state"] == "pending_approval"
        assert payment["covers"][0] == "2026-02" and payment["covers"][-1] == "2026-12"
        assert payment["receipt_number"].endswith("-002")  # the cash was taken: a receipt
        worker_url = f"/api/v1/workers/{lapsed.id}"
        body = as_agent.get(worker_url).get_json()
        assert (body["status"], body["covered_until"]) == ("ended", "2026-01")
        quote = as_agent.get(f"{worker_url}/quote?months=1").get_json()
        assert quote["start_month"] == "2026-12" and quote["status"] == "ended"
        assert as_agent.get(f"{worker_url}?as_of=2026-03-20").get_json()["status"] == "grace"

        listed = as_supervisor.get("/api/v1/payments?state=pending_approval")
        assert listed.status_code == 200
        assert [p["id"] for p in listed.get_json()] == [payment["id"]]
        assert json.loads(listed.headers["X-Pagination"])["total"] == 1
        assert as_other_supervisor.get("/api/v1/payments").get_json() == []
        assert as_agent.get("/api/v1/payments").status_code == 403

        approve = f"/api/v1/payments/{payment['id']}/approve"
        assert as_other_supervisor.post(approve, json={}).status_code == 404
        assert as_agent.post(approve, json={}).status_code == 403
        no_csrf = as_supervisor.client.post(approve, json={})
        assert no_csrf.status_code == 403
        done = as_supervisor.post(approve, json={"note": "kuitansi kertas diperiksa"})
        assert done.status_code == 200, done.get_json()
        assert done.get_json()["state"] == "accepted"
        assert done.get_json()["decision_note"] == "kuitansi kertas diperiksa"
        assert as_supervisor.post(approve, json={}).status_code == 409
        body = as_agent.get(worker_url).get_json()
        assert (body["status"], body["covered_until"]) == ("active", "2026-12")
    stored = db.session.get(Payment, uuid.UUID(payment["id"]))
    db.session.refresh(stored)
    assert stored.decided_by_id == as_supervisor.user["id"] and stored.decided_at is not None
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "payment", AuditEvent.entity_id == payment["id"]
        )
    ).all()
    assert "approve" in actions


def test_a_rejected_payment_never_covers(as_agent, as_supervisor, db, lapsed):
    with clock.travel(TODAY):
        payment = late_payment(as_agent, lapsed)
        reject = f"/api/v1/payments/{payment['id']}/reject"
        missing = as_supervisor.post(reject, json={}, headers={"Accept-Language": "en"})
        assert missing.status_code == 422 and "note" in missing.get_json()["errors"]["json"]
        done = as_supervisor.post(reject, json={"note": "uang dikembalikan"})
        assert done.status_code == 200 and done.get_json()["state"] == "rejected"
        assert as_supervisor.post(f"/api/v1/payments/{payment['id']}/approve").status_code == 409
        assert as_supervisor.post(reject, json={"note": "lagi"}).status_code == 409
        body = as_agent.get(f"/api/v1/workers/{lapsed.id}").get_json()
        assert (body["status"], body["covered_until"]) == ("ended", "2026-01")
        reverse = as_supervisor.post(
            f"/api/v1/payments/{payment['id']}/reverse", json={"reason": "salah catat"}
        )
        assert reverse.status_code == 409
        # The months stay free: a new payment today starts afresh in December.
        quote = as_agent.get(f"/api/v1/workers/{lapsed.id}/quote").get_json()
        fresh = as_agent.post(
            f"/api/v1/workers/{lapsed.id}/payments",
            json=payment_body(1, quote["total"], TODAY),
        )
        assert fresh.status_code == 201 and fresh.get_json()["covers"] == ["2026-12"]
        assert fresh.get_json()["state"] == "accepted"
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == payment["id"])
    ).all()
    assert "reject" in actions


def test_approval_is_refused_once_a_month_was_paid_meanwhile(as_agent, as_supervisor, lapsed):
    with clock.travel(TODAY):
        payment = late_payment(as_agent, lapsed)
        quote = as_agent.get(f"/api/v1/workers/{lapsed.id}/quote").get_json()
        as_agent.post(
            f"/api/v1/workers/{lapsed.id}/payments",
            # by bank: the late cash still in the agent's hands would block a cash payment
            json=payment_body(1, quote["total"], TODAY, channel="bank"),
        )
        response = as_supervisor.post(f"/api/v1/payments/{payment['id']}/approve", json={})
        assert response.status_code == 409
        assert "months" in response.get_json()["errors"]["json"]
        assert as_supervisor.get(f"/api/v1/payments/{payment['id']}").get_json()["state"] == (
            "pending_approval"
        )


@pytest.mark.parametrize(
    ("covered_until_paid_on", "paid_on", "state"),
    [
        ("2026-10-05", "2026-11-28", "accepted"),  # 4 days late: within the rule's 7
        ("2026-10-05", "2026-11-24", "pending_approval"),  # 8 days late, November is over
        ("2026-11-05", "2026-11-20", "accepted"),  # 12 days late, but only December onwards
    ],
)
def test_only_late_payments_for_months_already_over_wait(
    as_agent, db, org, covered_until_paid_on, paid_on, state
):
    worker = make_worker(db.session, org.agent, funding="apbd")
    paid = date.fromisoformat(covered_until_paid_on)
    with clock.travel(covered_until_paid_on):
        record_test_payment(db.session, worker, paid, 1)
    db.session.commit()
    with clock.travel(TODAY):
        payment = late_payment(as_agent, worker, months=1, paid_on=paid_on)
    assert payment["state"] == state
    assert payment["late_rule_id"] is not None


def test_the_rule_is_versioned_data_an_admin_changes(as_agent, as_admin, db, org):
    worker = make_worker(db.session, org.agent, funding="apbd")
    with clock.travel("2026-10-05"):
        record_test_payment(db.session, worker, date(2026, 10, 5), 1)
    db.session.commit()
    with clock.travel(TODAY):
        rules = "/api/v1/reference/late-payment-rules"
        past = as_admin.post(
            rules,
            json={
                "effective_from": "2026-12-01",
                "max_days_late": 30,
                "source": "Keputusan direksi",
            },
        )
        assert past.status_code == 422 and "effective_from" in past.get_json()["errors"]["json"]
        assert as_agent.post(rules, json={}).status_code == 403
        added = as_admin.post(
            rules,
            json={"effective_from": TODAY, "max_days_late": 30, "source": "Keputusan direksi"},
        )
        assert added.status_code == 201, added.get_json()
        assert [r["max_days_late"] for r in as_agent.get(rules).get_json()] == [7, 30]
        payment = late_payment(as_agent, worker, months=1, paid_on="2026-11-20")
    assert payment["state"] == "accepted"  # 12 days late for November: within 30
    assert payment["late_rule_id"] == added.get_json()["id"]


def test_the_receipt_of_a_pending_payment_says_it_gives_no_cover(as_agent, lapsed):
    with clock.travel(TODAY):
        payment = late_payment(as_agent, lapsed)
        text = as_agent.get(f"/api/v1/payments/{payment['id']}/receipt.txt").get_data(True)
        assert "MENUNGGU PERSETUJUAN" in text and payment["receipt_number"] in text
        english = as_agent.get(
            f"/api/v1/payments/{payment['id']}/receipt.txt", headers={"Accept-Language": "en"}
        ).get_data(True)
        assert "AWAITING APPROVAL" in english
        pdf = as_agent.get(f"/api/v1/payments/{payment['id']}/receipt.pdf")
        assert pdf.status_code == 200
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "MENUNGGU PERSETUJUAN" in words


def test_a_late_payment_through_sync_waits_too(as_agent, db, lapsed):
    with clock.travel(TODAY):
        quote = as_agent.get(f"/api/v1/workers/{lapsed.id}/quote?months=11&as_of=2026-03-15")
        pay = {
            "op_id": str(uuid.uuid4()),
            "type": "payment.record",
            "payload": {
                **payment_body(11, quote.get_json()["total"], "2026-03-15"),
                "worker_id": str(lapsed.id),
            },
        }
        [result] = as_agent.post("/api/v1/sync", json={"operations": [pay]}).get_json()["results"]
    assert result["status"] == "applied", result
    assert result["entity"]["state"] == "pending_approval"
    db.session.refresh(lapsed)
    assert str(lapsed.covered_until) == "2026-01"


def test_a_pending_payment_earns_no_commission_until_approved(as_agent, as_supervisor, db, org):
    worker = make_worker(db.session, org.agent, funding="apbd")
    with clock.travel("2026-10-05"):
        record_test_payment(db.session, worker, date(2026, 10, 5), 1)
    db.session.commit()
    with clock.travel(TODAY):
        before = figures(db.session, org.agent, "2026-11")["collection_fee"]
        payment = late_payment(as_agent, worker, months=2, paid_on="2026-11-10")
        assert payment["state"] == "pending_approval"
        assert figures(db.session, org.agent, "2026-11")["collection_fee"] == before
        as_supervisor.post(f"/api/v1/payments/{payment['id']}/approve", json={})
        db.session.expire_all()
        after = figures(db.session, org.agent, "2026-11")["collection_fee"]
    assert after == before + 2 * round(FULL * 0.15)


def test_the_supervisor_page_approves_and_rejects(as_agent, as_supervisor, db, org, lapsed):
    other = make_worker(
        db.session, org.agent, funding="apbd", created_at=datetime(2025, 6, 1, tzinfo=UTC)
    )
    with clock.travel("2026-01-10"):
        record_test_payment(db.session, other, date(2026, 1, 10), 1)
    db.session.commit()
    browser = as_supervisor.client
    with clock.travel(TODAY):
        first = late_payment(as_agent, lapsed)
        second = late_payment(as_agent, other)
        overview = browser.get("/supervisor/?lang=en").get_data(True)
        link = re.search(r'href="(/supervisor/payments/pending[^"]*)"', overview).group(1)
        page = browser.get(link)
        assert page.status_code == 200
        html = page.get_data(True)
        assert first["receipt_number"] in html and second["receipt_number"] in html
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        actions = re.findall(r'<form method="post" action="([^"]+)"', html)
        approve = f"/supervisor/payments/{first['id']}/approve"
        assert approve in actions
        done = browser.post(approve, data={"csrf_token": token, "note": "ok"})
        assert done.status_code == 302
        after = browser.get(done.headers["Location"]).get_data(True)
        assert "Payment approved." in after and first["receipt_number"] not in after
        reject = f"/supervisor/payments/{second['id']}/reject"
        assert f'action="{reject}"' in after
        short = browser.post(reject, data={"csrf_token": token, "note": ""})
        assert short.status_code == 422
        forged = browser.post(reject, data={"csrf_token": "x", "note": "uang kembali"})
        assert forged.status_code == 403
        done = browser.post(reject, data={"csrf_token": token, "note": "uang kembali"})
        assert done.status_code == 302
        states = {
            p: as_supervisor.get(f"/api/v1/payments/{p}").get_json()["state"]
            for p in (first["id"], second["id"])
        }
    assert states == {first["id"]: "accepted", second["id"]: "rejected"}


def test_the_rule_is_changed_with_the_cli_too(app, db):
    from perisai.contributions.late import late_rule_for

    runner = app.test_cli_runner()
    with clock.travel(TODAY):
        past = runner.invoke(
            args=[
                "perisai",
                "rates",
                "late-days",
                "--from",
                "2026-01-01",
                "--days",
                "3",
                "--source",
                "uji",
            ]
        )
        assert past.exit_code != 0
        done = runner.invoke(
            args=[
                "perisai",
                "rates",
                "late-days",
                "--from",
                "2026-12-10",
                "--days",
                "3",
                "--source",
                "Keputusan direksi",
            ]
        )
        assert done.exit_code == 0, done.output
    db.session.info.clear()
    assert late_rule_for(db.session, date(2026, 12, 9)).max_days_late == 7
    assert late_rule_for(db.session, date(2026, 12, 10)).max_days_late == 3

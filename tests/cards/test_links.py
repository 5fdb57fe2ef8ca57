"""Links a participant can open (API.md second wave): card and receipt PDFs without a login,
signed and expiring, scope checked on creation, audited on creation and on every open."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from perisai import clock
from perisai.audit.models import AuditEvent
from perisai.cards.models import Card
from tests import factories
from tests.cards import pdfs


@pytest.fixture
def worker(db, org):
    worker = factories.make_worker(db.session, org.agent, full_name="Wayan Sudarsana")
    db.session.commit()
    return worker


@pytest.fixture
def payment(db, worker):
    payment = factories.record_test_payment(db.session, worker, clock.today())
    db.session.commit()
    return payment


def path_of(url: str) -> str:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://perisai.test"  # the card QR's base
    return parts.path


def card_link(client, worker):
    response = client.post(f"/api/v1/workers/{worker.id}/card-link")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_card_link_opens_the_card_pdf_without_a_login(app, db, as_agent, worker):
    body = card_link(as_agent, worker)
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires - clock.now() >= timedelta(days=30) - timedelta(seconds=5)
    response = app.test_client().get(path_of(body["url"]))  # a fresh client: no session
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    text = pdfs.page_texts(response.data)[0]
    assert worker.full_name in text and worker.membership_number in text
    assert worker.nik not in text


@pytest.mark.today("2026-06-15")
def test_a_receipt_link_opens_the_receipt_in_the_language_asked(app, as_agent, payment):
    response = as_agent.post(f"/api/v1/payments/{payment.id}/receipt-link")
    assert response.status_code == 200, response.get_json()
    path = path_of(response.get_json()["url"])
    anonymous = app.test_client()
    pdf = anonymous.get(path).data
    assert pdf.startswith(b"%PDF") and payment.receipt_number in pdfs.page_texts(pdf)[0]
    english = anonymous.get(path, headers={"Accept-Language": "en"})
    assert english.headers["X-Robots-Tag"] == "noindex"
    assert "RECEIPT" in pdfs.page_texts(english.data)[0].upper()


@pytest.mark.today("2026-06-15")
def test_a_link_works_on_day_30_and_answers_410_with_a_page_after(app, as_agent, worker):
    path = path_of(card_link(as_agent, worker)["url"])
    anonymous = app.test_client()
    clock.set_now(clock.now() + timedelta(days=30) - timedelta(minutes=1))
    assert anonymous.get(path).status_code == 200
    clock.set_now(clock.now() + timedelta(minutes=2))
    gone = anonymous.get(path)
    assert gone.status_code == 410 and gone.mimetype == "text/html"
    assert "Tautan sudah kedaluwarsa" in gone.get_data(as_text=True)
    english = anonymous.get(path, headers={"Accept-Language": "en"})
    assert english.status_code == 410 and "This link has expired" in english.get_data(as_text=True)
    assert english.headers["Cache-Control"] == "private, no-store"


def test_a_tampered_or_foreign_token_is_a_404_page(app, as_agent, worker, payment):
    card_path = path_of(card_link(as_agent, worker)["url"])
    anonymous = app.test_client()
    token = card_path.removeprefix("/l/card/").removesuffix(".pdf")
    altered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    for path in (f"/l/card/{altered}.pdf", "/l/card/garbage.pdf", f"/l/receipt/{token}.pdf"):
        response = anonymous.get(path)
        assert response.status_code == 404, path
        assert "Tautan tidak dikenal" in response.get_data(as_text=True)
    # A card token is not a verification token either.
    assert anonymous.get(f"/api/v1/verify/{token}").status_code == 404


def test_only_someone_who_may_read_the_participant_gets_a_link(
    as_agent2, as_other_branch_agent, as_other_supervisor, as_supervisor, worker, payment
):
    for client in (as_agent2, as_other_branch_agent, as_other_supervisor):
        assert client.post(f"/api/v1/workers/{worker.id}/card-link").status_code == 404
        assert client.post(f"/api/v1/payments/{payment.id}/receipt-link").status_code == 404
    assert as_supervisor.post(f"/api/v1/workers/{worker.id}/card-link").status_code == 200
    assert as_supervisor.post("/api/v1/workers/not-a-uuid/card-link").status_code == 404


def test_creating_and_opening_links_are_audited_without_the_nik(app, db, org, as_agent, payment):
    worker_id = str(payment.worker_id)
    card_path = path_of(as_agent.post(f"/api/v1/workers/{worker_id}/card-link").get_json()["url"])
    receipt_path = path_of(
        as_agent.post(f"/api/v1/payments/{payment.id}/receipt-link").get_json()["url"]
    )
    anonymous = app.test_client()
    assert anonymous.get(card_path).status_code == 200
    assert anonymous.get(receipt_path).status_code == 200
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    seen = [(e.user_id, e.action, e.entity_type, e.entity_id, e.route) for e in events]
    card = db.session.scalar(select(Card).where(Card.worker_id == payment.worker_id))
    assert (
        org.agent_user.id,
        "action",
        "participant",
        worker_id,
        "POST /api/v1/workers/<uuid:worker_id>/card-link",
    ) in seen
    assert (
        org.agent_user.id,
        "action",
        "payment",
        str(payment.id),
        "POST /api/v1/payments/<uuid:payment_id>/receipt-link",
    ) in seen
    assert (None, "read", "card", str(card.id), "GET /l/card/<token>.pdf") in seen
    assert (None, "read", "payment", str(payment.id), "GET /l/receipt/<token>.pdf") in seen
    nik = db.session.get(type(payment.worker), payment.worker_id).nik
    assert not any(nik in repr(row) for row in seen)


def test_a_replaced_card_link_opens_the_current_card(app, db, as_agent, worker):
    path = path_of(card_link(as_agent, worker)["url"])
    worker.full_name = "Wayan Sudarsana Putra"  # printed data changed: the next print replaces
    db.session.commit()
    as_agent.get(f"/api/v1/workers/{worker.id}/card.pdf")
    cards = db.session.scalars(select(Card).where(Card.worker_id == worker.id)).all()
    assert sorted(c.status for c in cards) == ["active", "replaced"]
    pdf = app.test_client().get(path).data
    assert "Wayan Sudarsana Putra" in pdfs.page_texts(pdf)[0]


def test_a_revoked_card_link_says_so(app, db, as_agent, as_supervisor, worker):
    path = path_of(card_link(as_agent, worker)["url"])
    serial = db.session.scalar(select(Card.id).where(Card.worker_id == worker.id))
    assert (
        as_supervisor.post(f"/api/v1/cards/{serial}/revoke", json={"reason": "hilang"}).status_code
        == 200
    )
    response = app.test_client().get(path, headers={"Accept-Language": "en"})
    assert response.status_code == 410
    assert "This card was revoked" in response.get_data(as_text=True)
    assert db.session.scalar(select(Card.status).where(Card.id == serial)) == "revoked"
    assert len(db.session.scalars(select(Card).where(Card.worker_id == worker.id)).all()) == 1


def test_links_need_a_login(client, worker):
    assert client.post(f"/api/v1/workers/{worker.id}/card-link").status_code == 401

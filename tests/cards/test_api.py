"""The card endpoints through the HTTP API: PDFs read back, lifecycle, permissions, scope."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from perisai import clock
from perisai.cards.models import Card, CardPrint
from tests import factories
from tests.cards import pdfs


@pytest.fixture
def worker(db, org):
    worker = factories.make_worker(
        db.session, org.agent, full_name="Ni Luh Putu Ayu Saraswati Dewi", has_jht=True
    )
    db.session.commit()
    return worker


def card_pdf(client, worker, **params):
    response = client.get(f"/api/v1/workers/{worker.id}/card.pdf", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return response.data


def cards_of(db, worker):
    return db.session.scalars(
        select(Card).where(Card.worker_id == worker.id).order_by(Card.id)
    ).all()


def test_one_card_pdf_is_an_id1_page_with_name_number_and_a_scannable_qr(db, as_agent, worker):
    pdf = card_pdf(as_agent, worker)
    assert pdfs.page_sizes(pdf) == [pytest.approx(pdfs.ID1, abs=0.01)]
    text = pdfs.page_texts(pdf)[0]
    assert worker.full_name in text
    assert worker.membership_number in text
    assert worker.nik not in text and worker.nik_masked in text
    assert "JKK · JKM · JHT" in text
    (url,) = pdfs.qr_codes(pdf)
    assert url.startswith("http://perisai.test/v/")
    body = as_agent.get("/api/v1/verify/" + url.rsplit("/", 1)[1]).get_json()
    assert body["valid"] is True and body["membership_number"] == worker.membership_number


def test_the_back_side_is_added_on_request(as_agent, worker):
    pdf = card_pdf(as_agent, worker, back="true")
    assert len(pdfs.page_sizes(pdf)) == 2
    assert "Ahli waris" not in pdfs.page_texts(pdf)[1]  # notices are artwork; serial is text
    assert "No. Kartu" in pdfs.page_texts(pdf)[1]


def test_reprinting_unchanged_data_reuses_the_card_and_records_each_print(
    db, org, as_agent, worker
):
    card_pdf(as_agent, worker)
    card_pdf(as_agent, worker)
    (card,) = cards_of(db, worker)
    assert card.status == "active" and card.issued_by_id == org.agent_user.id
    prints = db.session.scalars(select(CardPrint).where(CardPrint.card_id == card.id)).all()
    assert [p.is_issue for p in prints] == [True, False]
    assert all(p.printed_by_id == org.agent_user.id for p in prints)


def test_a_payment_alone_does_not_issue_a_new_card(db, as_agent, worker):
    card_pdf(as_agent, worker)
    worker.covered_until = clock.this_month() + 2
    db.session.commit()
    pdf = card_pdf(as_agent, worker)
    assert len(cards_of(db, worker)) == 1
    until = worker.covered_until
    assert f"{until.month:02d}/{until.year}" in pdfs.page_texts(pdf)[0]


def test_changed_printed_data_issues_a_new_card_and_replaces_the_old(db, as_agent, worker):
    old_pdf = card_pdf(as_agent, worker)
    (old_url,) = pdfs.qr_codes(old_pdf)
    worker.full_name = "Ni Luh Putu Ayu Saraswati"
    db.session.commit()
    new_pdf = card_pdf(as_agent, worker)
    old, new = cards_of(db, worker)
    assert (old.status, old.replaced_by_id, new.status) == ("replaced", new.id, "active")
    (new_url,) = pdfs.qr_codes(new_pdf)
    assert new_url != old_url
    old_body = as_agent.get("/api/v1/verify/" + old_url.rsplit("/", 1)[1]).get_json()
    assert old_body["valid"] is False and old_body["reason"] == "replaced"
    new_body = as_agent.get("/api/v1/verify/" + new_url.rsplit("/", 1)[1]).get_json()
    assert new_body["valid"] is True and "reason" not in new_body


def test_card_history_lists_cards_newest_first(db, as_agent, worker):
    card_pdf(as_agent, worker)
    worker.occupation = "petani"
    db.session.commit()
    card_pdf(as_agent, worker)
    card_pdf(as_agent, worker)
    body = as_agent.get(f"/api/v1/workers/{worker.id}/cards").get_json()
    assert [c["status"] for c in body] == ["active", "replaced"]
    assert [c["print_count"] for c in body] == [2, 1]
    assert body[1]["replaced_by"] == body[0]["serial"]
    assert body[0]["verify_url"].startswith("http://perisai.test/v/")


@pytest.mark.parametrize(
    "who, status",
    [
        ("as_agent", 200),  # registered and manages the participant
        ("as_agent2", 404),  # same branch, another Wadah's participant
        ("as_other_branch_agent", 404),
        ("as_supervisor", 200),
        ("as_other_supervisor", 404),
        ("as_admin", 200),
    ],
)
def test_who_may_print_a_card(request, worker, who, status):
    client = request.getfixturevalue(who)
    assert client.get(f"/api/v1/workers/{worker.id}/card.pdf").status_code == status


def test_printing_needs_a_login(client, worker):
    response = client.get(f"/api/v1/workers/{worker.id}/card.pdf")
    assert response.status_code == 401
    assert response.get_json()["code"] == 401


# --- batch printing ----------------------------------------------------------------------


def test_a_batch_is_a4_with_ten_cards_a_page_ordered_by_village_then_name(db, org, as_supervisor):
    names = [
        "Yanti",
        "agus",
        "Bambang",
        "Citra",
        "Dewi",
        "Eko",
        "Fajar",
        "Gita",
        "Hadi",
        "Indah",
        "Joko",
    ]
    workers = [
        factories.make_worker(
            db.session,
            org.agent if n % 2 else org.agent2,
            full_name=name,
            village_code="33.25.02.2002" if name in ("agus", "Joko") else "33.25.01.2001",
        )
        for n, name in enumerate(names)
    ]
    db.session.commit()
    response = as_supervisor.post(
        "/api/v1/cards/print", json={"worker_ids": [str(w.id) for w in workers]}
    )
    assert response.status_code == 200, response.get_json()
    pdf = response.data
    assert pdfs.page_sizes(pdf) == [pytest.approx(pdfs.A4, abs=0.01)] * 2
    first, second = pdfs.page_texts(pdf)
    expected = [
        "Bambang",
        "Citra",
        "Dewi",
        "Eko",
        "Fajar",
        "Gita",
        "Hadi",
        "Indah",
        "Yanti",
        "agus",
        "Joko",
    ]
    positions = [first.index(name + "\n") for name in expected[:10]]
    assert positions == sorted(positions)
    assert "Joko" in second and "Bambang" not in second
    for worker in workers:
        assert worker.membership_number in first + second
    assert len(pdfs.qr_codes(pdf, page=1)) == 10
    prints = db.session.scalars(select(CardPrint)).all()
    assert len(prints) == 11 and len({p.batch_id for p in prints}) == 1
    assert prints[0].batch_id is not None


def test_a_batch_with_ids_outside_the_scope_prints_nothing_and_names_them(
    db, org, as_agent, worker
):
    other = factories.make_worker(db.session, org.agent2)
    db.session.commit()
    missing = "00000000-0000-4000-8000-000000000000"
    response = as_agent.post(
        "/api/v1/cards/print",
        json={"worker_ids": [str(worker.id), str(other.id), missing]},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 404
    body = response.get_json()
    assert body["missing_worker_ids"] == [str(other.id), missing]
    assert str(other.id) in body["errors"]["json"]["worker_ids"][0]
    assert body["message"].startswith("Participants not found")
    assert db.session.scalar(select(func.count()).select_from(Card)) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"worker_ids": []},
        {"worker_ids": ["not-a-uuid"]},
        {"worker_ids": ["00000000-0000-4000-8000-000000000000"] * 1001},
        {},
        {"worker_ids": [], "color": "red"},
    ],
)
def test_a_batch_body_is_validated(as_supervisor, body):
    response = as_supervisor.post("/api/v1/cards/print", json=body)
    assert response.status_code == 422
    assert set(response.get_json()) == {"code", "status", "message", "errors"}


def test_duplicate_ids_print_once(db, as_agent, worker):
    response = as_agent.post("/api/v1/cards/print", json={"worker_ids": [str(worker.id)] * 3})
    assert response.status_code == 200
    assert len(pdfs.qr_codes(response.data)) == 1


def test_a_batch_needs_the_csrf_header(app, org, worker):
    from tests.conftest import login

    client = login(app, org.supervisor_user.username)
    response = client.client.post("/api/v1/cards/print", json={"worker_ids": [str(worker.id)]})
    assert response.status_code == 403


# --- revoking ------------------------------------------------------------------------------


def _issue(client, worker):
    card_pdf(client, worker)
    return client.get(f"/api/v1/workers/{worker.id}/cards").get_json()[0]


@pytest.mark.parametrize(
    "who, status",
    [
        ("as_agent", 403),
        ("as_other_supervisor", 404),
        ("as_supervisor", 200),
        ("as_admin", 200),
    ],
)
def test_who_may_revoke(request, as_admin, worker, who, status):
    card = _issue(as_admin, worker)
    client = request.getfixturevalue(who)
    response = client.post(f"/api/v1/cards/{card['serial']}/revoke", json={"reason": "hilang"})
    assert response.status_code == status


def test_a_revoked_card_verifies_as_not_valid_and_reprinting_issues_a_new_one(
    db, as_supervisor, worker
):
    card = _issue(as_supervisor, worker)
    token = card["verify_url"].rsplit("/", 1)[1]
    response = as_supervisor.post(f"/api/v1/cards/{card['serial']}/revoke", json={})
    assert response.status_code == 200
    assert response.get_json()["status"] == "revoked"
    again = as_supervisor.post(f"/api/v1/cards/{card['serial']}/revoke", json={"reason": "x"})
    assert again.status_code == 200 and again.get_json()["revoke_reason"] is None
    body = as_supervisor.get(f"/api/v1/verify/{token}").get_json()
    assert body["valid"] is False and body["reason"] == "revoked"
    card_pdf(as_supervisor, worker)
    assert [c.status for c in cards_of(db, worker)] == ["revoked", "active"]


def test_a_replaced_card_cannot_be_revoked(db, as_supervisor, worker):
    old = _issue(as_supervisor, worker)
    worker.full_name = "Someone Else"
    db.session.commit()
    card_pdf(as_supervisor, worker)
    response = as_supervisor.post(f"/api/v1/cards/{old['serial']}/revoke", json={})
    assert response.status_code == 409


def test_revoking_an_unknown_card_is_404(as_admin):
    assert as_admin.post("/api/v1/cards/999999/revoke", json={}).status_code == 404


@pytest.mark.slow
def test_a_big_batch_is_rendered_in_parallel_and_keeps_its_order(db, org, as_admin):
    workers = [
        factories.make_worker(db.session, org.agent, full_name=f"Peserta {n:03d}")
        for n in range(205)
    ]
    db.session.commit()
    response = as_admin.post(
        "/api/v1/cards/print", json={"worker_ids": [str(w.id) for w in workers]}
    )
    assert response.status_code == 200
    texts = pdfs.page_texts(response.data)
    assert len(texts) == 21
    assert [n for n in range(205) if f"Peserta {n:03d}" in texts[n // 10]] == list(range(205))
    assert len(pdfs.qr_codes(response.data, page=21)) == 5


@pytest.mark.parametrize(
    ("count", "prefer", "limit"),
    [(1001, None, "1,000"), (10_001, "respond-async", "10,000")],
)
def test_a_request_renders_1000_cards_at_most_and_a_job_10000(as_supervisor, count, prefer, limit):
    """API.md: ≤ 1,000 → a PDF; more only as a job the client asks for (Prefer: respond-async)."""
    headers = {"Accept-Language": "en", **({"Prefer": prefer} if prefer else {})}
    ids = ["00000000-0000-4000-8000-000000000000"] * count
    response = as_supervisor.post("/api/v1/cards/print", json={"worker_ids": ids}, headers=headers)
    assert response.status_code == 422
    assert limit in response.get_json()["errors"]["json"]["worker_ids"][0]

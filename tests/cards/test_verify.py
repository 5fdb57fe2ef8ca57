"""Public verification: genuine, altered, replaced and revoked tokens; privacy; rate limit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from perisai import clock
from perisai.cards.operations import mask_name
from perisai.extensions import db as _db
from perisai.months import Month
from tests import factories

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.fixture
def worker(db, org):
    worker = factories.make_worker(
        db.session,
        org.agent,
        full_name="Ni Luh Putu Ayu Saraswati Dewi",
        female=True,
        phone="+6281234567890",
        address="Jl. Danau Tamblingan 77, Sanur",
        covered_until=Month(2026, 8),
    )
    db.session.commit()
    return worker


@pytest.fixture
def token(as_agent, worker):
    assert as_agent.get(f"/api/v1/workers/{worker.id}/card.pdf").status_code == 200
    card = as_agent.get(f"/api/v1/workers/{worker.id}/cards").get_json()[0]
    return card["verify_url"].rsplit("/", 1)[1]


def altered(token: str) -> str:
    position = len(token) // 2
    replacement = ALPHABET[(ALPHABET.index(token[position]) + 1) % len(ALPHABET)]
    return token[:position] + replacement + token[position + 1 :]


@pytest.mark.parametrize(
    "name, masked",
    [
        ("Ni Luh Putu Ayu Saraswati Dewi", "Ni L*** P*** A*** S*** D***"),
        ("Muhammad Ma'ruf", "Muhammad M***"),
        ("M. Nur Hidayat", "M. N*** H***"),
        ("Sukarno", "Su***"),
        ("  I   Made  ", "I M***"),
        ("", ""),
    ],
)
def test_name_masking(name, masked):
    assert mask_name(name) == masked


@pytest.mark.today("2026-10-05")  # covered until August: September and October unpaid
def test_a_genuine_token_is_valid_and_shows_only_public_facts(client, token, worker):
    response = client.get(f"/api/v1/verify/{token}")
    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in ("valid", "membership_number", "name_masked")} == {
        "valid": True,
        "membership_number": worker.membership_number,
        "name_masked": "Ni L*** P*** A*** S*** D***",
    }
    assert body["covered_until"] == "2026-08"
    assert body["status"] == "grace"
    assert "reason" not in body


def test_status_and_covered_until_come_from_the_participant(db, client, token, worker):
    worker.covered_until = clock.this_month() + 1
    db.session.commit()
    body = client.get(f"/api/v1/verify/{token}").get_json()
    assert (body["status"], body["covered_until"]) == ("active", str(worker.covered_until))
    worker.covered_until = clock.this_month() - 2
    db.session.commit()
    assert client.get(f"/api/v1/verify/{token}").get_json()["status"] == "grace"
    worker.covered_until = None
    db.session.commit()
    body = client.get(f"/api/v1/verify/{token}").get_json()
    assert (body["status"], body["covered_until"]) == ("registered", None)


def _private_values(worker) -> list[str]:
    birth = worker.nik[6:12]  # DDMMYY, the birth date (+40 for women) inside the NIK
    return [
        worker.nik,
        birth,
        worker.nik[:12],
        worker.phone,
        worker.phone[3:],
        worker.address,
        "Tamblingan",
        worker.birth_date.isoformat(),
        worker.birth_date.strftime("%d/%m/%Y"),
        worker.full_name,
        "Saraswati",
    ]


def test_verification_never_shows_nik_phone_address_or_birth_date(client, token, worker):
    for url in (f"/api/v1/verify/{token}", f"/v/{token}", f"/v/{token}?lang=en"):
        text = client.get(url).get_data(as_text=True)
        for value in _private_values(worker):
            assert value not in text, (url, value)


def test_an_altered_token_is_404_without_touching_the_database(app, client, token):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(f"/api/v1/verify/{altered(token)}", headers={"Accept-Language": "en"})
        page = client.get(f"/v/{altered(token)}")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 404
    assert response.get_json() == {
        "code": 404,
        "status": "Not Found",
        "message": "Not found.",
        "errors": {},
    }
    assert page.status_code == 404 and "Kartu tidak dikenal" in page.get_data(as_text=True)
    assert statements == []


@pytest.mark.parametrize("bad", ["", "x", "A" * 28, "%00" * 10, "../../etc/passwd"])
def test_garbage_tokens_are_404(client, bad):
    assert client.get(f"/api/v1/verify/{bad}").status_code == 404


def test_the_page_is_indonesian_by_default_and_english_on_request(client, token):
    page = client.get(f"/v/{token}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'lang="id"' in text and "Kartu asli dan berlaku" in text
    assert "Ni L*** P*** A*** S*** D***" in text
    english = client.get(f"/v/{token}", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Genuine, valid card" in english.get_data(as_text=True)
    forced = client.get(f"/v/{token}?lang=en", headers={"Accept-Language": "id"})
    assert 'lang="en"' in forced.get_data(as_text=True)


def test_the_page_obeys_the_content_security_policy(client, token):
    page = client.get(f"/v/{token}")
    html = page.get_data(as_text=True)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script" not in html and "<style" not in html and " style=" not in html
    (css,) = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    response = client.get(css)
    assert response.status_code == 200 and response.mimetype == "text/css"
    response.close()
    assert 'name="viewport"' in html


def test_a_replaced_card_page_says_why(db, as_agent, client, token, worker):
    worker.full_name = "Ni Luh Putu Ayu"
    db.session.commit()
    assert as_agent.get(f"/api/v1/workers/{worker.id}/card.pdf").status_code == 200
    text = client.get(f"/v/{token}?lang=en").get_data(as_text=True)
    assert "This card is not valid" in text and "replaced by a newer one" in text


@pytest.fixture
def small_limit(app):
    app.config.update(CARD_VERIFY_LIMIT=3, CARD_VERIFY_WINDOW_SECONDS=60)
    yield
    del app.config["CARD_VERIFY_LIMIT"], app.config["CARD_VERIFY_WINDOW_SECONDS"]


def test_verification_is_rate_limited_per_client_address(client, token, small_limit):
    one = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(3):
        assert client.get(f"/api/v1/verify/{token}", environ_base=one).status_code == 200
    refused = client.get(
        f"/api/v1/verify/{token}", environ_base=one, headers={"Accept-Language": "en"}
    )
    assert refused.status_code == 429
    body = refused.get_json()
    assert set(body) == {"code", "status", "message", "errors"} and body["code"] == 429
    assert client.get(f"/v/{token}", environ_base=one).status_code == 429
    other = {"REMOTE_ADDR": "198.51.100.9"}
    assert client.get(f"/v/{token}", environ_base=other).status_code == 200


def test_the_rate_limit_counter_stores_no_address(app, client, token):
    client.get(f"/api/v1/verify/{token}", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    counted = app.extensions["perisai_ratelimits"].storage.events
    assert counted and all("203.0.113" not in key for key in counted)


def test_verification_writes_nothing_to_the_database(db, client, token):
    """The limit is counted outside the database: a public check inserts no row."""
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement.lstrip().upper())

    connection = db.session.get_bind()
    event.listen(connection, "before_cursor_execute", seen)
    try:
        response = client.get(f"/api/v1/verify/{token}", environ_base={"REMOTE_ADDR": "10.0.0.8"})
    finally:
        event.remove(connection, "before_cursor_execute", seen)
    assert response.status_code == 200 and statements
    assert not [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE"))]

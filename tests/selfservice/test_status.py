"""The participant's own status check: POST /api/v1/self/status and the page /cek."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from perisai.audit.models import AuditEvent
from perisai.contributions.quotes import quote_for_worker
from perisai.months import Month
from tests import factories

URL = "/api/v1/self/status"
BIRTH = date(1988, 3, 14)


@pytest.fixture
def worker(db, org):
    worker = factories.make_worker(
        db.session,
        org.agent,
        full_name="Ni Luh Putu Ayu Saraswati Dewi",
        female=True,
        birth_date=BIRTH,
        phone="+6281234567890",
        address="Jl. Danau Tamblingan 77, Sanur",
        covered_until=Month(2026, 8),
    )
    db.session.commit()
    return worker


def ask(client, worker, birth_date=BIRTH, **environ):
    body = {"membership_number": worker.membership_number, "birth_date": birth_date.isoformat()}
    return client.post(URL, json=body, environ_base=environ)


def private_values(worker) -> list[str]:
    return [
        worker.nik,
        worker.nik[6:12],
        worker.phone,
        worker.phone[3:],
        worker.address,
        "Tamblingan",
        worker.birth_date.isoformat(),
        worker.birth_date.strftime("%d/%m/%Y"),
        worker.full_name,
        "Saraswati",
    ]


@pytest.mark.today("2026-10-05")  # covered until August: September and October unpaid
def test_the_right_birth_date_answers_status_amount_and_agent(db, client, worker, org):
    response = ask(client, worker)
    assert response.status_code == 200
    body = response.get_json()
    owed = quote_for_worker(db.session, worker, 2, date(2026, 10, 5)).total
    assert body == {
        "name_masked": "Ni L*** P*** A*** S*** D***",
        "membership_number": worker.membership_number,
        "status": "grace",
        "covered_until": "2026-08",
        "amount_due": owed,
        "months_due": 2,
        "agent": {
            "name": org.agent.full_name,
            "phone": org.agent.phone,
            "agent_code": org.agent.agent_code,
        },
        "branch": org.branch.name,
    }
    assert owed > 0
    text = response.get_data(as_text=True)
    assert not [value for value in private_values(worker) if value in text]


@pytest.mark.today("2026-10-05")
def test_a_wrong_birth_date_is_the_same_404_as_an_unknown_number(client, worker):
    wrong = ask(client, worker, date(1988, 3, 15))
    unknown = client.post(
        URL, json={"membership_number": "99999999990", "birth_date": "1988-03-14"}
    )
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["message"] == (
        "Nomor peserta dan tanggal lahir tidak cocok dengan data kami. Periksa kembali keduanya, "
        "atau hubungi agen Perisai Anda."
    )
    assert wrong.headers.get("Content-Length") == unknown.headers.get("Content-Length")


@pytest.mark.today("2026-10-05")
def test_every_check_is_audited_with_a_public_actor(db, client, worker):
    assert ask(client, worker, REMOTE_ADDR="203.0.113.5").status_code == 200
    assert ask(client, worker, date(2000, 1, 1), REMOTE_ADDR="203.0.113.5").status_code == 404
    client.post(URL, json={"membership_number": "99999999990", "birth_date": "1988-03-14"})
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.route == "POST /api/v1/self/status")
    ).all()
    assert [(e.action, e.entity_type, e.entity_id, e.user_id, e.status_code) for e in events] == [
        ("read", "participant", str(worker.id), None, 200),
        ("refused", "participant", str(worker.id), None, 404),  # a known number was tried
        ("refused", "participant", None, None, 404),
    ]
    assert events[0].remote_addr == "203.0.113.5"


@pytest.fixture
def small_limit(app):
    app.config.update(SELF_CHECK_LIMIT=3, SELF_CHECK_WINDOW_SECONDS=60)
    yield
    del app.config["SELF_CHECK_LIMIT"], app.config["SELF_CHECK_WINDOW_SECONDS"]


@pytest.mark.today("2026-10-05")
def test_checks_are_rate_limited_per_address_wrong_guesses_included(client, worker, small_limit):
    one = {"REMOTE_ADDR": "203.0.113.7"}
    assert ask(client, worker, date(1990, 1, 1), **one).status_code == 404
    assert ask(client, worker, date(1990, 1, 2), **one).status_code == 404
    assert ask(client, worker, **one).status_code == 200
    refused = ask(client, worker, **one)
    assert refused.status_code == 429
    body = refused.get_json()
    assert set(body) == {"code", "status", "message", "errors"} and body["code"] == 429
    page = client.post(
        "/cek",
        data={"membership_number": worker.membership_number, "birth_date": "1988-03-14"},
        environ_base=one,
    )
    assert page.status_code == 429 and "Terlalu banyak pemeriksaan" in page.get_data(as_text=True)
    assert ask(client, worker, REMOTE_ADDR="198.51.100.9").status_code == 200


@pytest.mark.today("2026-10-05")
@pytest.mark.parametrize(
    "covered_until, died, status, months",
    [
        (Month(2026, 12), False, "active", 0),
        (None, False, "registered", 1),
        (Month(2026, 5), False, "ended", 1),  # five months unpaid: start again this month
        (Month(2026, 9), True, "ended", 0),  # died: nothing is due
    ],
)
def test_what_is_due_follows_the_status(db, client, worker, covered_until, died, status, months):
    worker.covered_until = covered_until
    worker.died_on = date(2026, 9, 20) if died else None
    db.session.commit()
    body = ask(client, worker).get_json()
    assert (body["status"], body["months_due"]) == (status, months)
    expected = quote_for_worker(db.session, worker, 1, date(2026, 10, 5)).total if months else 0
    assert body["amount_due"] == expected


def test_an_anonymised_participant_is_not_found(db, client, worker):
    from perisai import clock

    worker.anonymised_at = clock.now()
    db.session.commit()
    assert ask(client, worker).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"membership_number": "1234567890", "birth_date": "1988-03-14"},
        {"membership_number": "123456789012", "birth_date": "1988-03-14"},
        {"membership_number": "12345678901"},
        {"membership_number": "12345678901", "birth_date": "14/03/1988"},
        {"membership_number": "12345678901", "birth_date": "1988-03-14", "nik": "x"},
    ],
)
def test_malformed_questions_are_422(client, body):
    assert client.post(URL, json=body).status_code == 422


# --- the page ---------------------------------------------------------------------------------


def post_page(client, worker, birth="1988-03-14", lang=None, **extra):
    url = "/cek" + (f"?lang={lang}" if lang else "")
    data = {"membership_number": worker.membership_number, "birth_date": birth, **extra}
    return client.post(url, data=data)


def test_the_page_is_a_plain_form_in_indonesian_by_default(client):
    page = client.get("/cek")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'lang="id"' in html and "Cek Status Kepesertaan" in html
    assert re.search(r'<form class="check" method="post"', html)
    assert 'name="membership_number"' in html and 'type="date"' in html
    assert "<script" not in html and "<style" not in html and " style=" not in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for css in re.findall(r'<link rel="stylesheet" href="([^"]+)"', html):
        response = client.get(css)
        assert response.status_code == 200 and response.mimetype == "text/css"
        response.close()
    assert 'href="?lang=en"' in html


def test_english_on_request_or_by_the_browser(client):
    assert "Check your membership" in client.get("/cek?lang=en").get_data(as_text=True)
    english = client.get("/cek", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in english.get_data(as_text=True)


@pytest.mark.today("2026-10-05")
@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_page_answers_in_both_languages(db, client, worker, org, lang):
    page = post_page(client, worker, lang=lang)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    owed = quote_for_worker(db.session, worker, 2, date(2026, 10, 5)).total
    amount = f"Rp {owed:,}".replace(",", "." if lang == "id" else ",")
    assert "Ni L*** P*** A*** S*** D***" in html and amount in html
    assert f'href="tel:{org.agent.phone}"' in html and org.agent.full_name in html
    expected = {
        "id": ("Masa tenggang", "Bayar " + amount + " untuk 2 bulan"),
        "en": ("grace", "Pay " + amount + " for 2 months"),
    }[lang]
    assert expected[0].lower() in html.lower() and expected[1] in html
    assert f'lang="{lang}"' in html
    assert not [value for value in private_values(worker) if value in html]


@pytest.mark.today("2026-10-05")
def test_the_page_takes_the_number_and_date_as_people_type_them(client, worker):
    number = worker.membership_number
    spaced = f"{number[:4]} {number[4:8]} {number[8:]}"
    page = client.post("/cek", data={"membership_number": spaced, "birth_date": "14/03/1988"})
    assert page.status_code == 200 and "Ni L*** P***" in page.get_data(as_text=True)


@pytest.mark.today("2026-10-05")
def test_the_page_refuses_a_wrong_birth_date_like_an_unknown_number(client, worker):
    wrong = post_page(client, worker, birth="1988-03-15")
    text = wrong.get_data(as_text=True)
    assert wrong.status_code == 404 and "Data tidak ditemukan" in text
    assert "Ni L***" not in text
    assert 'value="1988-03-15"' in text  # kept as typed, to correct it
    short = post_page(client, worker, birth="1988-03-14", membership_number="123")
    assert short.status_code == 422 and "11 angka" in short.get_data(as_text=True)


@pytest.mark.today("2026-10-05")
def test_a_logged_in_browser_posts_the_form_with_its_csrf_token(as_agent, worker):
    page = as_agent.client.get("/cek").get_data(as_text=True)
    (token,) = re.findall(r'name="csrf_token" value="([^"]+)"', page)
    data = {"membership_number": worker.membership_number, "birth_date": "1988-03-14"}
    assert as_agent.client.post("/cek", data=data).status_code == 403
    assert as_agent.client.post("/cek", data={**data, "csrf_token": token}).status_code == 200

"""The enrolment quality review pages: the month's flags, one flag's participants side by side
with their points and photos, clear and confirm with a note, in both languages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from perisai.quality.models import QualityFlag
from tests.factories import worker_payload

pytestmark = pytest.mark.today("2026-12-20")


@pytest.fixture
def flag(as_agent, db):
    point = {"lat": -6.91, "lon": 109.71, "accuracy_m": 8}
    for n in range(2):
        body = worker_payload(capture_seconds=9 + n, location=point, full_name=f"Cepat Sekali {n}")
        assert as_agent.post("/api/v1/workers", json=body).status_code == 201
    return db.session.scalar(select(QualityFlag).where(QualityFlag.kind == "fast_capture"))


@pytest.mark.parametrize(
    ("lang", "title", "kind"),
    [
        ("id", "Mutu pendaftaran", "Formulir diisi terlalu cepat"),
        ("en", "Enrolment quality", "A form filled implausibly fast"),
    ],
)
def test_the_flags_of_the_month_in_both_languages(as_supervisor, flag, lang, title, kind):
    page = as_supervisor.get(f"/supervisor/quality?month=2026-12&lang={lang}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert title in html and kind in html and f'data-flag="{flag.id}"' in html
    assert f"/supervisor/quality/{flag.id}" in html


def test_one_flag_side_by_side_with_the_nik_masked(as_supervisor, flag, db):
    html = as_supervisor.get(f"/supervisor/quality/{flag.id}").get_data(as_text=True)
    assert "Cepat Sekali 0" in html and "Cepat Sekali 1" in html
    assert "9 detik" in html and "<svg" in html  # the form times, the points on the map
    from perisai.workers.models import Worker

    for worker in db.session.scalars(select(Worker)):
        assert worker.nik not in html


def test_a_flag_confirmed_on_the_page_with_a_note(as_supervisor, flag, db):
    form = {"csrf_token": as_supervisor.csrf_token}
    refused = as_supervisor.client.post(
        f"/supervisor/quality/{flag.id}/confirm", data={**form, "note": ""}
    )
    assert refused.status_code == 422
    done = as_supervisor.client.post(
        f"/supervisor/quality/{flag.id}/confirm",
        data={**form, "note": "no such people in the village"},
    )
    assert done.status_code == 302 and "done=confirm" in done.headers["Location"]
    db.session.expire_all()
    assert db.session.get(QualityFlag, flag.id).state == "confirmed"
    page = as_supervisor.client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Tanda dikonfirmasi" in page
    again = as_supervisor.client.post(
        f"/supervisor/quality/{flag.id}/clear", data={**form, "note": "second thoughts"}
    )
    assert again.status_code == 409


def test_another_branch_sees_nothing(as_other_supervisor, flag):
    assert as_other_supervisor.get(f"/supervisor/quality/{flag.id}").status_code == 404
    html = as_other_supervisor.get("/supervisor/quality?month=2026-12").get_data(as_text=True)
    assert f'data-flag="{flag.id}"' not in html

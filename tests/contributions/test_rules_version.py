"""Rule updates reach the phone: one rules version on every reference answer and every sync answer,
which changes when a rate version, income-level table, discount or occupation changes (issue 16)."""

import uuid

from sqlalchemy import update

from perisai import clock
from perisai.months import Month
from perisai.workers.models import Occupation

HEADER = "X-Perisai-Rules-Version"


def _versions(client):
    rates = client.get("/api/v1/reference/rates")
    levels = client.get("/api/v1/reference/income-levels")
    occupations = client.get("/api/v1/reference/occupations")
    return rates.get_json()["version"], {
        rates.headers[HEADER],
        levels.headers[HEADER],
        occupations.headers[HEADER],
    }


def test_every_reference_answer_and_sync_carry_one_version(as_agent):
    version, headers = _versions(as_agent)
    assert headers == {version} and len(version) == 12
    synced = as_agent.post("/api/v1/sync", json={"operations": []})
    assert synced.status_code == 200 and synced.headers[HEADER] == version


def test_a_new_rate_version_changes_the_version(as_admin, as_agent):
    before, _ = _versions(as_agent)
    response = as_admin.post(
        "/api/v1/reference/rates",
        json={"effective_from": str(Month.of(clock.today())), "jkm_flat": 7_200, "source": "uji"},
    )
    assert response.status_code == 201, response.get_json()
    after, headers = _versions(as_agent)
    assert after != before and headers == {after}
    assert as_agent.post("/api/v1/sync", json={"operations": []}).headers[HEADER] == after


def test_a_discount_and_an_occupation_switched_off_change_the_version(as_admin, db):
    first, _ = _versions(as_admin)
    start = Month.of(clock.today()) + 1
    response = as_admin.post(
        "/api/v1/reference/discounts",
        json={
            "name": f"uji {uuid.uuid4().hex[:6]}",
            "sector": None,
            "effective_from": str(start),
            "effective_to": str(start + 2),
            "basis_points_off": 2_500,
            "excluded_funding": [],
            "source": "uji",
        },
    )
    assert response.status_code == 201, response.get_json()
    second, _ = _versions(as_admin)
    assert second != first
    db.session.execute(
        update(Occupation).where(Occupation.code == "nelayan").values(is_active=False)
    )
    db.session.commit()
    third, _ = _versions(as_admin)
    assert third not in (first, second)

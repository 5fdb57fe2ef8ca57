"""Issue 15: every month and date that enters is bounded (perisai.bounds) and answered with a
422 naming the field, in both languages, on every route that takes one — never a 500 from month
or date arithmetic at the ends of the calendar."""

from __future__ import annotations

import io
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perisai import bounds, clock
from tests.factories import make_worker, worker_payload

TODAY = "2026-12-02"
TOO_LATE_DATES = ["9999-12-31", "2101-01-01"]
TOO_EARLY_DATES = ["0001-01-01", "1899-12-31"]
BAD_DATES = TOO_LATE_DATES + TOO_EARLY_DATES
BAD_MONTHS = ["9999-12", "2101-01", "1999-12", "1900-01"]
FIRST_RATES = (2015, 7)  # the seeded rate version's first month (migration 0004)
QUOTE = "income_level=1000000&programs=JKK,JKM&sector=other&funding=self"


@pytest.fixture
def worker(db, org):
    worker = make_worker(db.session, org.agent)
    db.session.commit()
    return worker


def payment(paid_on):
    return {
        "id": str(uuid.uuid4()),
        "months": 1,
        "amount": 8_400,
        "paid_on": paid_on,
        "channel": "cash",
    }


def named(response, field: str, lang: str) -> str:
    """The one message for `field`, wherever its location; asserts the 422 shape."""
    assert response.status_code == 422, (response.status_code, response.get_data(True)[:300])
    body = response.get_json()
    found = [msgs for fields in body["errors"].values() for f, msgs in fields.items() if f == field]
    assert found, body
    return found[0][0]


# (who, method, url template, body builder, field): {v} is the limit value
QUERY_ROUTES = [
    ("agent", "/api/v1/workers/{w}?as_of={v}", "as_of", BAD_DATES),
    ("agent", "/api/v1/workers/{w}/quote?as_of={v}", "as_of", BAD_DATES),
    ("public", "/api/v1/reference/quote?" + QUOTE + "&start_month={v}", "start_month", BAD_MONTHS),
    ("public", "/api/v1/reference/income-levels?month={v}", "month", BAD_MONTHS),
    ("admin", "/api/v1/commissions/statements?month={v}", "month", BAD_MONTHS),
    ("admin", "/api/v1/commissions/wadah-statements?month={v}", "month", BAD_MONTHS),
    ("admin", "/api/v1/commissions/standing?month={v}", "month", BAD_MONTHS),
    ("admin", "/api/v1/reports/agents?month={v}", "month", BAD_MONTHS),
    ("admin", "/api/v1/reports/participants?month={v}", "month", BAD_MONTHS),
]
CASES = [
    pytest.param(who, url, field, value, id=f"{url.split('?')[0]}-{field}={value}")
    for who, url, field, values in QUERY_ROUTES
    for value in values
]


@pytest.fixture
def clients(client, as_agent, as_admin):
    return {"public": client, "agent": as_agent, "admin": as_admin}


@pytest.mark.parametrize(("who", "url", "field", "value"), CASES)
def test_a_month_or_date_out_of_bounds_in_a_query_is_a_422_naming_it(
    clients, worker, who, url, field, value
):
    with clock.travel(TODAY):
        api = clients[who]
        target = url.format(w=worker.id, v=value)
        message = named(api.get(target), field, "id")
        assert "Harus antara" in message
        english = named(api.get(target, headers={"Accept-Language": "en"}), field, "en")
        assert english.startswith("Must be between")


@pytest.mark.parametrize("value", BAD_DATES)
def test_paid_on_out_of_bounds_is_a_422_on_the_endpoint_and_through_sync(as_agent, worker, value):
    with clock.travel(TODAY):
        response = as_agent.post(f"/api/v1/workers/{worker.id}/payments", json=payment(value))
        assert "Harus antara" in named(response, "paid_on", "id")
        op = {
            "op_id": str(uuid.uuid4()),
            "type": "payment.record",
            "payload": {**payment(value), "worker_id": str(worker.id)},
        }
        [result] = as_agent.post("/api/v1/sync", json={"operations": [op]}).get_json()["results"]
    assert result["status"] == "rejected" and result["http_status"] == 422
    assert "paid_on" in result["errors"]["json"]


@pytest.mark.parametrize("value", BAD_DATES)
def test_other_dates_that_enter_are_bounded(as_agent, as_admin, value):
    with clock.travel(TODAY):
        registered = as_agent.post("/api/v1/workers", json=worker_payload(birth_date=value))
        named(registered, "birth_date", "id")
        sponsor = as_admin.post(
            "/api/v1/sponsors",
            json={
                "name": "Dinas",
                "type": "apbd",
                "branch_id": 1,
                "agreement_reference": "PKS-1",
                "agreement_start": value,
                "agreement_end": "2027-01-01",
                "contact_name": "Ibu Ani",
            },
        )
        named(sponsor, "agreement_start", "id")
        upload = as_admin.post(
            "/api/v1/imports/workers",
            data={
                "file": (io.BytesIO(b"nik\n"), "x.csv"),
                "paid_on": value,
                "sponsor_id": "1",
                "sponsor_months": "3",
            },
            content_type="multipart/form-data",
        )
        named(upload, "paid_on", "id")


@pytest.mark.parametrize("value", BAD_MONTHS)
def test_months_in_admin_bodies_and_paths_are_bounded(as_admin, as_supervisor, value):
    with clock.travel(TODAY):
        rates = as_admin.post(
            "/api/v1/reference/rates", json={"effective_from": value, "source": "uji batas"}
        )
        named(rates, "effective_from", "id")
        close = as_supervisor.post(f"/api/v1/commissions/months/{value}/close", json={})
        named(close, "month", "id")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=st.dates(), months=st.integers(min_value=1, max_value=12))
def test_any_date_answers_a_quote_or_a_422_never_a_500(client, day, months):
    with clock.travel(TODAY):
        month = f"{day.year:04d}-{day.month:02d}"
        response = client.get(
            f"/api/v1/reference/quote?{QUOTE}&start_month={month}&months={months}"
        )
    first, last = bounds.FIRST_MONTH, bounds.LAST_MONTH
    inside = (first.year, first.month) <= (day.year, day.month) <= (last.year, last.month)
    if inside and (day.year, day.month) < FIRST_RATES:  # before the first rates: named
        assert response.status_code == 422, response.get_json()
        assert list(response.get_json()["errors"]["query"]) == ["months"]
    elif inside:
        assert response.status_code == 200, response.get_json()
        assert len(response.get_json()["months"]) == months
    else:
        assert response.status_code == 422
        assert "start_month" in response.get_json()["errors"]["query"]

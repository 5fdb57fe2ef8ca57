"""The renewal work list: who is in grace (and owes what), who is due, who ended recently."""

import json

from perisai import clock
from perisai.months import Month
from tests.factories import make_worker


def test_work_list_is_ordered_by_urgency_with_amounts(db, org, as_agent, as_agent2):
    today = clock.today()
    month = Month.of(today)
    make = lambda name, covered, **kw: make_worker(  # noqa: E731
        db.session,
        org.agent,
        full_name=name,
        funding="apbd",
        covered_until=covered,
        first_paid_month=covered,
        **kw,
    )
    make("Grace Satu", month - 1)
    make("Grace Tiga", month - 3, has_jht=True)
    make("Aktif Jauh", month + 5)
    make("Due Bulan Ini", month)
    make("Berakhir Baru", month - 4)
    make("Berakhir Lama", month - 9)
    make("Belum Bayar", None)
    make_worker(db.session, org.agent2, full_name="Punya Agen Lain", covered_until=month - 1)
    db.session.commit()

    response = as_agent.get("/api/v1/renewals?due_within_days=40")
    assert response.status_code == 200
    items = response.get_json()
    assert [i["full_name"] for i in items] == [
        "Grace Tiga",
        "Grace Satu",
        "Due Bulan Ini",
        "Berakhir Baru",
    ]
    grace3, grace1, due, ended = items
    assert (grace3["kind"], grace3["months_owed"], grace3["amount_owed"]) == ("grace", 3, 110_400)
    assert (grace1["months_owed"], grace1["amount_owed"]) == (1, 16_800)
    assert due["kind"] == "due" and due["coverage_ends_on"] == month.last_day().isoformat()
    assert due["days_left"] == (month.last_day() - today).days
    assert ended["kind"] == "ended" and ended["amount_owed"] == 0
    assert ended["next_month_amount"] == 16_800
    assert json.loads(response.headers["X-Pagination"])["total"] == 4
    others = [i["full_name"] for i in as_agent2.get("/api/v1/renewals").get_json()]
    assert others == ["Punya Agen Lain"]


def test_due_window_counts_days_to_the_end_of_coverage(db, org, as_agent):
    today = clock.today()
    month = Month.of(today)
    make_worker(db.session, org.agent, full_name="Habis Bulan Ini", covered_until=month)
    db.session.commit()
    days_left = (month.last_day() - today).days

    def names(n):
        return [
            i["full_name"] for i in as_agent.get(f"/api/v1/renewals?due_within_days={n}").get_json()
        ]

    assert names(days_left) == ["Habis Bulan Ini"]
    if days_left > 0:
        assert names(days_left - 1) == []

"""Closing a month on request: not before it has ended in the branch's time zone, and never an
earlier open month the supervisor did not name (API, CLI; the page is in tests/supervisor)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from perisai import clock
from perisai.commissions.models import CommissionClose
from tests.commissions.helpers import new_paying_workers
from tests.conftest import login

CLOSE = "/api/v1/commissions/months/{}/close"


def closes(db) -> int:
    return db.session.scalar(select(func.count()).select_from(CommissionClose))


@pytest.fixture
def december(db, org):
    with clock.travel("2026-12-02"):
        new_paying_workers(db.session, org.agent, 2, date(2026, 12, 1))
        db.session.commit()


def test_the_current_month_is_refused_in_both_languages(december, db, as_supervisor):
    with clock.travel("2026-12-02"):
        response = as_supervisor.post(CLOSE.format("2026-12"))
        english = as_supervisor.post(CLOSE.format("2026-12"), headers={"Accept-Language": "en"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"].startswith("Bulan 2026-12 belum berakhir")
    assert body["errors"]["path"]["month"] == [body["message"]]
    assert "WIB" in body["message"] and "2026-12-31" in body["message"]
    assert english.status_code == 422
    assert english.get_json()["message"].startswith("2026-12 has not ended")
    assert closes(db) == 0


@pytest.mark.parametrize(
    ("zone", "moment", "status"),
    [
        ("WIB", "2026-12-31T23:59:00+07:00", 422),  # the branch's last minute of December
        ("WIB", "2027-01-01T00:00:05+07:00", 200),
        ("WITA", "2026-12-31T23:30:00+07:00", 200),  # 00:30 on 1 January in WITA
        ("WITA", "2026-12-31T22:59:00+07:00", 422),  # 23:59 in WITA
        ("WIT", "2026-12-31T22:30:00+07:00", 200),  # 00:30 on 1 January in WIT
        ("WIT", "2026-12-31T21:59:00+07:00", 422),
    ],
)
def test_the_month_ends_in_the_branch_time_zone(app, december, db, org, zone, moment, status):
    org.branch.time_zone = zone
    db.session.commit()
    with clock.travel(moment):  # logged in that day: sessions expire
        response = login(app, org.supervisor_user.username).post(CLOSE.format("2026-12"))
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert zone in response.get_json()["errors"]["path"]["month"][0]
        assert closes(db) == 0
    else:
        assert response.get_json()["branches"][0]["closed_months"] == ["2026-12"]


def test_admin_closing_all_branches_waits_for_the_latest_to_end(app, december, db, org):
    org.other_branch.time_zone = "WIT"
    db.session.commit()
    with clock.travel("2026-12-31T23:30:00+07:00"):  # ended in WIT, not yet in WIB
        admin = login(app, org.admin_user.username)
        response = admin.post(CLOSE.format("2026-12") + "?branch=all")
    assert response.status_code == 422
    assert "WIB" in response.get_json()["message"]
    assert closes(db) == 0


@pytest.fixture
def autumn(db, org):
    """Payments in September and October; nothing was ever closed."""
    with clock.travel("2026-12-02"):
        new_paying_workers(db.session, org.agent, 1, date(2026, 9, 10))
        new_paying_workers(db.session, org.agent, 1, date(2026, 10, 10))
        new_paying_workers(db.session, org.agent, 1, date(2026, 11, 10))
        db.session.commit()


def test_earlier_open_months_must_be_named(autumn, db, org, as_supervisor):
    with clock.travel("2026-12-02"):
        refused = as_supervisor.post(CLOSE.format("2026-11"))
        partly = as_supervisor.post(CLOSE.format("2026-11"), json={"including": ["2026-10"]})
        later = as_supervisor.post(CLOSE.format("2026-11"), json={"including": ["2026-11"]})
        assert closes(db) == 0
        named = as_supervisor.post(
            CLOSE.format("2026-11"), json={"including": ["2026-09", "2026-10"]}
        )
        again = as_supervisor.post(CLOSE.format("2026-11"))
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["open_months"] == ["2026-09", "2026-10"]
    assert "2026-09, 2026-10" in body["message"]
    assert body["errors"]["json"]["including"] == [body["message"]]
    assert partly.status_code == 409
    assert "2026-09" in partly.get_json()["message"]
    assert "2026-10" not in partly.get_json()["message"].split(":")[1].split(".")[0]
    assert later.status_code == 422
    assert "including" in later.get_json()["errors"]["json"]
    assert named.status_code == 200, named.get_json()
    branch = named.get_json()["branches"][0]
    assert branch["closed_months"] == ["2026-09", "2026-10", "2026-11"]
    assert again.status_code == 200
    assert again.get_json()["branches"][0] == {
        "branch": org.branch.code,
        "closed_months": [],
        "already_closed": True,
    }


def test_closing_in_order_needs_no_names(autumn, db, as_supervisor):
    with clock.travel("2026-12-02"):
        for month in ("2026-09", "2026-10", "2026-11"):
            response = as_supervisor.post(CLOSE.format(month))
            assert response.status_code == 200, response.get_json()
            assert response.get_json()["branches"][0]["closed_months"] == [month]


def run_cli(app, *args):
    return app.test_cli_runner().invoke(args=["perisai", "close-commissions", *args])


def test_cli_behaves_the_same(autumn, app, db, org):
    with clock.travel("2026-12-02"):
        current = run_cli(app, "--month", "2026-12", "--branch", org.branch.code)
        refused = run_cli(app, "--month", "2026-11", "--branch", org.branch.code)
        assert closes(db) == 0
        named = run_cli(
            app,
            *("--month", "2026-11", "--branch", org.branch.code),
            *("--including", "2026-09", "--including", "2026-10"),
        )
    assert current.exit_code != 0 and "belum berakhir" in current.output
    assert refused.exit_code != 0
    assert "2026-09, 2026-10" in refused.output
    assert named.exit_code == 0, named.output
    assert '"closed_months": ["2026-09", "2026-10", "2026-11"]' in named.output

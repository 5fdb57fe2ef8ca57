"""A month close records its events itself, from what it closed, whatever the entry point: the
API, the supervisor's months page, the CLI. One event per month, by whoever closed it."""

from datetime import date

import pytest
from sqlalchemy import select

from perisai import clock
from perisai.audit.models import AuditEvent
from tests.commissions.helpers import new_paying_workers

CLOSE = "/api/v1/commissions/months/{}/close"
EARLIER = {"including": ["2026-09", "2026-10"]}


@pytest.fixture
def autumn(db, org):
    """Payments in September, October and November; nothing was ever closed."""
    with clock.travel("2026-12-02"):
        for day in (date(2026, 9, 10), date(2026, 10, 10), date(2026, 11, 10)):
            new_paying_workers(db.session, org.agent, 1, day)
        db.session.commit()


def closes(db) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "close").order_by(AuditEvent.id)
    )
    return [(e.entity_type, e.entity_id, e.user_id, e.route) for e in rows]


def commission_events(db) -> list[str]:
    return db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_type == "commission")
    ).all()


def test_a_close_through_the_api_records_each_month_it_closed(autumn, db, org, as_supervisor):
    via = "POST /api/v1/commissions/months/<month>/close"
    with clock.travel("2026-12-02"):
        closed = as_supervisor.post(CLOSE.format("2026-11"), json=EARLIER)
        assert closed.status_code == 200, closed.get_json()
        user = org.supervisor_user.id
        assert closes(db) == [("month", m, user, via) for m in ("2026-09", "2026-10", "2026-11")]
        assert as_supervisor.post(CLOSE.format("2026-11"), json=EARLIER).status_code == 200
    # closing again closes nothing earlier: the month asked for, once more
    assert closes(db)[3:] == [("month", "2026-11", user, via)]
    assert commission_events(db) == []  # not also described by the route


def test_a_refused_close_records_no_close(autumn, db, as_supervisor):
    with clock.travel("2026-12-02"):
        assert as_supervisor.post(CLOSE.format("2026-11")).status_code == 409
    assert closes(db) == []
    assert commission_events(db) == ["create"]  # the attempt, by its route


def test_a_close_by_the_cli_names_the_command(autumn, app, db, org):
    with clock.travel("2026-12-02"):
        result = app.test_cli_runner().invoke(
            args=[
                *("perisai", "close-commissions", "--month", "2026-11"),
                *("--branch", org.branch.code, "--including", "2026-09", "--including", "2026-10"),
            ]
        )
    assert result.exit_code == 0, result.output
    via = "cli perisai close-commissions"
    assert closes(db) == [("month", m, None, via) for m in ("2026-09", "2026-10", "2026-11")]


def test_a_close_on_the_months_page_records_each_month_once(autumn, db, org, as_supervisor):
    form = {"csrf_token": as_supervisor.csrf_token, "month": "2026-10", "including": "2026-09"}
    with clock.travel("2026-12-02"):
        response = as_supervisor.client.post("/supervisor/months/close", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    user = org.supervisor_user.id
    assert closes(db) == [
        ("month", m, user, "POST /supervisor/months/close") for m in ("2026-09", "2026-10")
    ]

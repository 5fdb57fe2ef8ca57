"""GET /api/v1/reports/agents and the participant export: contract, scope, formats."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from perisai.reports.leaderboard import SORTS
from tests.reports.helpers import PRICE, build_history

API_FIELDS = {
    "agent_code",
    "name",
    "wadah",
    "new_participants",
    "first_payments",
    "active_participants",
    "retention_rate",
    "collected_amount",
    "commission_total",
    "flags",
}


@pytest.fixture
def history(db, org):
    return build_history(db.session, org)


def test_agent_gets_403(history, as_agent):
    response = as_agent.get("/api/v1/reports/agents?month=2026-06")
    assert response.status_code == 403
    assert response.get_json()["code"] == 403
    assert as_agent.get("/api/v1/reports/participants").status_code == 403


def test_not_logged_in_gets_401(history, client):
    assert client.get("/api/v1/reports/agents").status_code == 401


def test_supervisor_sees_own_branch_with_known_figures(history, as_supervisor):
    org = history.org
    response = as_supervisor.get("/api/v1/reports/agents?month=2026-06")
    assert response.status_code == 200
    rows = response.get_json()
    assert [r["agent_code"] for r in rows] == [org.agent.agent_code, org.agent2.agent_code]
    assert json.loads(response.headers["X-Pagination"]) == {"total": 2, "page": 1, "page_size": 50}
    a, b = rows
    assert set(a) >= API_FIELDS
    assert a["name"] == org.agent.full_name and a["wadah"] == org.wadah.name
    assert (a["new_participants"], a["first_payments"], a["active_participants"]) == (0, 1, 2)
    assert a["retention_rate"] == 0.5 and a["retention_3"] == pytest.approx(1 / 3, abs=1e-4)
    assert a["collected_amount"] == PRICE and a["first_payment_rate"] == 0.8
    assert isinstance(a["flags"], list)
    assert (b["new_participants"], b["first_payments"], b["active_participants"]) == (1, 0, 1)
    assert b["retention_rate"] == 1.0 and b["rank"] == 2


def test_fair_rank_ignores_registrations_that_never_pay(db, history, as_supervisor):
    from tests.factories import make_worker
    from tests.reports.helpers import registered_on

    for day in range(1, 10):  # agent2 registers nine more who never pay
        make_worker(db.session, history.org.agent2, created_at=registered_on(_june(day)))
    db.session.commit()
    rows = as_supervisor.get("/api/v1/reports/agents?month=2026-06").get_json()
    assert rows[0]["agent_code"] == history.org.agent.agent_code
    assert rows[1]["new_participants"] == 10
    by_new = as_supervisor.get("/api/v1/reports/agents?month=2026-06&sort=new_participants")
    assert by_new.get_json()[0]["agent_code"] == history.org.agent2.agent_code


def _june(day):
    from datetime import date

    return date(2026, 6, day)


def test_admin_sees_all_and_filters_by_branch(history, as_admin):
    org = history.org
    everyone = as_admin.get("/api/v1/reports/agents?month=2026-06").get_json()
    assert {r["agent_code"] for r in everyone} == {
        org.agent.agent_code,
        org.agent2.agent_code,
        org.other_agent.agent_code,
    }
    other = as_admin.get(f"/api/v1/reports/agents?month=2026-06&branch_id={org.other_branch.id}")
    assert [r["agent_code"] for r in other.get_json()] == [org.other_agent.agent_code]


def test_supervisor_cannot_widen_scope_with_branch_id(history, as_supervisor):
    org = history.org
    rows = as_supervisor.get(
        f"/api/v1/reports/agents?month=2026-06&branch_id={org.other_branch.id}"
    ).get_json()
    assert org.other_agent.agent_code not in {r["agent_code"] for r in rows}


def test_admin_who_chose_a_branch_cannot_export_an_agent_of_another(history, as_admin):
    """The participant export for one branch refuses an agent of another branch (404), as for
    a supervisor; without a branch chosen the admin exports that agent's participants."""
    org = history.org
    url = f"/api/v1/reports/participants?month=2026-06&agent_code={org.other_agent.agent_code}"
    assert as_admin.get(url + f"&branch_id={org.branch.id}").status_code == 404
    assert as_admin.get(url + f"&branch_id={org.other_branch.id}").status_code == 200
    assert as_admin.get(url).status_code == 200


def test_supervisor_asking_another_branch_exports_its_own(history, as_supervisor):
    org = history.org
    url = f"/api/v1/reports/participants?month=2026-06&branch_id={org.other_branch.id}"
    assert as_supervisor.get(url).get_data(as_text=True) == as_supervisor.get(
        "/api/v1/reports/participants?month=2026-06"
    ).get_data(as_text=True)
    other = f"{url}&agent_code={org.other_agent.agent_code}"
    assert as_supervisor.get(other).status_code == 404


def test_bad_month_is_422(history, as_supervisor):
    response = as_supervisor.get("/api/v1/reports/agents?month=2026-13")
    assert response.status_code == 422
    assert "month" in response.get_json()["errors"]["query"]
    assert as_supervisor.get("/api/v1/reports/agents?month=2999-01").status_code == 422


def test_csv_export_reads_back(history, as_supervisor):
    response = as_supervisor.get("/api/v1/reports/agents?month=2026-06&format=csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert set(rows[0]) >= API_FIELDS
    assert rows[0]["agent_code"] == history.org.agent.agent_code
    assert rows[0]["collected_amount"] == str(PRICE) and rows[0]["retention_rate"] == "0.5"


def test_xlsx_export_reads_back(history, as_admin):
    response = as_admin.get("/api/v1/reports/agents?month=2026-06&format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    values = list(sheet.values)
    header, rows = list(values[0]), values[1:]
    assert set(header) >= API_FIELDS
    assert len(rows) == 3
    first = dict(zip(header, rows[0], strict=True))
    assert first["agent_code"] == history.org.agent.agent_code
    assert first["active_participants"] == 2 and first["collected_amount"] == PRICE


def test_participant_export_masks_nik_unless_admin(history, as_supervisor, as_admin):
    worker = history.workers["a1"]
    text = as_supervisor.get("/api/v1/reports/participants?format=csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 7  # branch A only
    mine = next(r for r in rows if r["membership_number"] == worker.membership_number)
    assert mine["nik"] == worker.nik[:4] + "********" + worker.nik[12:]
    assert worker.nik not in text
    book = load_workbook(io.BytesIO(as_admin.get("/api/v1/reports/participants?format=xlsx").data))
    values = list(book.active.values)
    assert len(values) == 1 + 8
    niks = {row[values[0].index("nik")] for row in values[1:]}
    assert worker.nik in niks


def test_csv_cells_cannot_start_formulas(db, history, as_supervisor):
    history.workers["a1"].full_name = '=HYPERLINK("http://x")'
    db.session.commit()
    text = as_supervisor.get("/api/v1/reports/participants?format=csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text


def test_flags_carry_standing_flags_and_agent_status(db, history, as_supervisor):
    from perisai.commissions.models import StandingFlag
    from perisai.months import Month

    org = history.org
    db.session.add(
        StandingFlag(
            month=Month.parse("2026-06"),
            subject=f"agent:{org.agent2.id}",
            kind="warning",
            reason="no_acquisition",
            months=3,
            branch_id=org.branch.id,
            wadah_id=org.wadah2.id,
            agent_id=org.agent2.id,
        )
    )
    org.agent.status = "suspended"
    db.session.commit()
    rows = as_supervisor.get("/api/v1/reports/agents?month=2026-06").get_json()
    flags = {r["agent_code"]: r["flags"] for r in rows}
    assert flags[org.agent2.agent_code] == ["warning:no_acquisition"]
    assert flags[org.agent.agent_code][0] == "status:suspended"
    only_active = as_supervisor.get("/api/v1/reports/agents?month=2026-06&status=active")
    assert [r["agent_code"] for r in only_active.get_json()] == [org.agent2.agent_code]


def test_commission_total_comes_from_the_commission_ledger(history, as_supervisor):
    rows = as_supervisor.get("/api/v1/reports/agents?month=2026-06").get_json()
    # June: agent A collected one month (16,800) from a participant acquired in June: 15 %
    # collection fee, and no acquisition fee (fewer than 25 new participants).
    a = rows[0]
    assert a["commission_total"] == 16_800 * 15 // 100


@pytest.mark.parametrize("sort", sorted(SORTS))
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_every_sort_orders_the_whole_list_by_its_column(history, as_supervisor, sort, order):
    """The ranking sums only the figures its order needs; the page then shows every figure.
    Whatever the column, the rows come in its order and carry the same figures as the rank."""
    base = "/api/v1/reports/agents?month=2026-06"

    def by_agent(rows):
        return {r["agent_code"]: {k: v for k, v in r.items() if k != "rank"} for r in rows}

    ranked = as_supervisor.get(base).get_json()
    rows = as_supervisor.get(f"{base}&sort={sort}&order={order}").get_json()
    assert by_agent(rows) == by_agent(ranked)
    if sort != "rank":
        values = [r[sort] for r in rows if r[sort] is not None]
        assert values == sorted(values, reverse=order == "desc")

"""/supervisor/months: the page says which months a close will close, the supervisor ticks the
earlier open ones, and the form it renders closes exactly those (or explains why not)."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from perisai import clock
from perisai.commissions.models import CommissionClose
from tests.commissions.helpers import new_paying_workers


@pytest.fixture
def autumn(db, org):
    """Payments in September, October and November; nothing was ever closed."""
    with clock.travel("2026-12-02"):
        for day in (date(2026, 9, 10), date(2026, 10, 10), date(2026, 11, 10)):
            new_paying_workers(db.session, org.agent, 1, day)
        db.session.commit()


def closed_months(db, branch) -> list[str]:
    rows = db.session.scalars(
        select(CommissionClose.month).where(CommissionClose.branch_id == branch.id)
    )
    return sorted(str(m) for m in rows)


def close_form(page: str) -> tuple[str, list[tuple[str, str]], list[str]]:
    """The close form as a browser would submit it: action, hidden fields, checkbox values."""
    form = re.search(
        r'<form method="post" action="([^"]+)" id="close-form">(.*?)</form>', page, re.S
    )
    assert form, page
    action, body = html_lib.unescape(form.group(1)), form.group(2)
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', body)
    boxes = re.findall(r'<input type="checkbox" name="including" value="([^"]+)" required>', body)
    return action, hidden, boxes


def test_the_page_lists_the_months_a_close_closes_and_the_form_closes_them(
    autumn, db, org, as_supervisor
):
    with clock.travel("2026-12-02"):
        preview = as_supervisor.get("/supervisor/months?close=2026-11&lang=en")
        assert preview.status_code == 200
        page = preview.get_data(as_text=True)
        assert "This closes: 2026-09, 2026-10, 2026-11." in page
        action, hidden, boxes = close_form(page)
        assert boxes == ["2026-09", "2026-10"]
        assert ("month", "2026-11") in hidden
        form = [*hidden, *(("including", m) for m in boxes)]
        response = as_supervisor.client.post(action, data=MultiDict(form))
        assert response.status_code == 302, response.get_data(as_text=True)
        done = as_supervisor.get(response.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert closed_months(db, org.branch) == ["2026-09", "2026-10", "2026-11"]
    assert "2026-11 is closed." in done
    assert re.search(rf'data-branch="{org.branch.code}">.*?<td>2026-11</td>', done, re.S)


def test_an_unticked_earlier_month_closes_nothing(autumn, db, org, as_supervisor):
    with clock.travel("2026-12-02"):
        page = as_supervisor.get("/supervisor/months?close=2026-11").get_data(as_text=True)
        action, hidden, boxes = close_form(page)
        form = [*hidden, ("including", boxes[1])]  # 2026-09 left unticked
        response = as_supervisor.client.post(action, data=MultiDict(form))
    assert response.status_code == 409
    assert "masih terbuka: 2026-09" in html_lib.unescape(response.get_data(as_text=True))
    assert closed_months(db, org.branch) == []


def test_a_month_not_ended_is_refused_on_the_page(autumn, db, org, as_supervisor):
    with clock.travel("2026-12-02"):
        preview = as_supervisor.get("/supervisor/months?close=2026-12")
        forged = as_supervisor.client.post(
            "/supervisor/months/close",
            data={"csrf_token": as_supervisor.csrf_token, "month": "2026-12"},
        )
    assert preview.status_code == 422
    assert "Bulan 2026-12 belum berakhir" in preview.get_data(as_text=True)
    assert 'id="close-form"' not in preview.get_data(as_text=True)
    assert forged.status_code == 422
    assert closed_months(db, org.branch) == []


def test_a_closed_month_says_so_and_closing_again_changes_nothing(autumn, db, org, as_supervisor):
    with clock.travel("2026-12-02"):
        for month in ("2026-09", "2026-10"):
            page = as_supervisor.get(f"/supervisor/months?close={month}").get_data(as_text=True)
            action, hidden, boxes = close_form(page)
            assert boxes == []
            assert as_supervisor.client.post(action, data=MultiDict(hidden)).status_code == 302
        again = as_supervisor.get("/supervisor/months?close=2026-09&lang=en")
        resent = as_supervisor.client.post(action, data=MultiDict(hidden))
    assert "2026-09 is closed already" in again.get_data(as_text=True)
    assert resent.status_code == 302
    assert closed_months(db, org.branch) == ["2026-09", "2026-10"]


def test_the_form_needs_its_csrf_token_and_agents_get_no_page(
    autumn, db, org, as_supervisor, as_agent
):
    with clock.travel("2026-12-02"):
        no_token = as_supervisor.client.post("/supervisor/months/close", data={"month": "2026-09"})
        agent = as_agent.get("/supervisor/months")
    assert no_token.status_code == 403
    assert agent.status_code == 403
    assert closed_months(db, org.branch) == []


def statement_rows(page: str) -> dict[str, list[str]]:
    """The statements table: agent code (or Wadah name) → its cells as shown."""
    table = page.split('id="statements"')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]:
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        ]
        if cells and cells[0] != "":
            rows[cells[0].split(" · ")[0]] = cells
    return rows


def test_the_months_statements_are_estimates_then_closed_statements_with_pdfs(
    autumn, db, org, as_supervisor
):
    with clock.travel("2026-12-02"):
        preview = as_supervisor.get("/supervisor/months?close=2026-11&lang=en")
        page = preview.get_data(as_text=True)
        rows = statement_rows(page)
        assert "Incentive statements 2026-11" in page
        agent = rows[org.agent.agent_code]
        assert agent[1] == "estimate" and agent[2] == "1"  # one new participant in November
        assert agent[5] != "Rp 0" and agent[7] == ""  # an estimate, no PDF yet
        assert rows[org.wadah.name][1] == "estimate"
        assert org.other_agent.agent_code not in rows  # another branch's agent
        action, hidden, boxes = close_form(page)
        form = [*hidden, *(("including", m) for m in boxes)]
        response = as_supervisor.client.post(action, data=MultiDict(form))
        done = as_supervisor.get(response.headers["Location"] + "&lang=en").get_data(as_text=True)
        closed = statement_rows(done)
        assert closed[org.agent.agent_code][1] == "closed"
        assert closed[org.agent.agent_code][5] == agent[5]  # the estimate was what got closed
        links = re.findall(r'href="(/api/v1/commissions/[^"]+\.pdf)"', done)
        assert f"/api/v1/commissions/statements/2026-11-{org.agent.id}.pdf" in links
        assert f"/api/v1/commissions/wadah-statements/2026-11-{org.wadah.id}.pdf" in links
        for link in links[:2]:
            pdf = as_supervisor.get(link)
            assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), link


def test_an_admin_chooses_a_branch_to_see_statements(autumn, db, org, as_admin):
    with clock.travel("2026-12-02"):
        every = as_admin.get("/supervisor/months?close=2026-11").get_data(as_text=True)
        one = as_admin.get(f"/supervisor/months?close=2026-11&branch={org.branch.id}")
    assert 'id="choose-branch"' in every and 'id="statements"' not in every
    assert org.agent.agent_code in statement_rows(one.get_data(as_text=True))

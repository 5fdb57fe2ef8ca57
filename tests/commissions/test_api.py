"""The Commissions contract of API.md through the client: rows, scope, close, PDFs, paid."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from tests.commissions.helpers import new_paying_workers

MARCH = date(2026, 3, 10)
ROW_KEYS = {
    "agent_code",
    "wadah",
    "month",
    "new_participants",
    "acquisition_fee",
    "collection_fee",
    "total",
    "wadah_fee",
    "state",
}


@pytest.fixture
def worked_example(db, org):
    workers = new_paying_workers(db.session, org.agent, 50, MARCH, has_jht=True)
    new_paying_workers(db.session, org.agent2, 3, MARCH, has_jht=False)
    new_paying_workers(db.session, org.other_agent, 1, MARCH, has_jht=False)
    db.session.commit()
    return workers


def pdf_text(response) -> str:
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def rows(client, month="2026-03"):
    response = client.get(f"/api/v1/commissions/statements?month={month}")
    assert response.status_code == 200, response.get_json()
    return {row["agent_code"]: row for row in response.get_json()}


def test_agent_sees_own_running_estimate_and_what_is_missing(worked_example, org, as_agent):
    body = rows(as_agent)
    assert list(body) == [org.agent.agent_code]
    row = body[org.agent.agent_code]
    assert set(row) >= ROW_KEYS
    assert {k: row[k] for k in ROW_KEYS} == {
        "agent_code": org.agent.agent_code,
        "wadah": org.wadah.name,
        "month": "2026-03",
        "new_participants": 50,
        "acquisition_fee": 750_000,
        "collection_fee": 276_000,
        "total": 1_026_000,
        "wadah_fee": 102_600,
        "state": "open",
    }
    assert row["new_participants_needed"] == 0


def test_agent2_still_needs_22_new_participants(worked_example, org, as_agent2):
    row = rows(as_agent2)[org.agent2.agent_code]
    assert (row["new_participants"], row["new_participants_needed"]) == (3, 22)
    assert row["acquisition_fee"] == 0 and row["collection_fee"] == 3 * 2_520


def test_supervisor_sees_branch_admin_sees_all(worked_example, org, as_supervisor, as_admin):
    assert set(rows(as_supervisor)) == {org.agent.agent_code, org.agent2.agent_code}
    assert {org.agent.agent_code, org.agent2.agent_code, org.other_agent.agent_code} <= set(
        rows(as_admin)
    )
    response = as_admin.get("/api/v1/commissions/statements?month=2026-03&page_size=1")
    assert len(response.get_json()) == 1
    assert '"total"' in response.headers["X-Pagination"]


def test_close_freezes_the_branch_and_is_idempotent(
    worked_example, org, as_supervisor, as_agent, as_other_branch_agent
):
    response = as_supervisor.post("/api/v1/commissions/months/2026-03/close")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["branches"] == [
        {"branch": org.branch.code, "closed_months": ["2026-03"], "already_closed": False}
    ]
    assert body["statements"] == 2
    closed = rows(as_supervisor)
    assert {row["state"] for row in closed.values()} == {"closed"}
    assert closed[org.agent.agent_code]["total"] == 1_026_000

    again = as_supervisor.post("/api/v1/commissions/months/2026-03/close")
    assert again.status_code == 200
    assert again.get_json()["branches"][0]["already_closed"] is True
    assert rows(as_supervisor) == closed
    # the other branch is still open
    assert rows(as_other_branch_agent)[org.other_agent.agent_code]["state"] == "open"


def test_only_supervisors_and_admins_close(worked_example, as_agent, client):
    assert as_agent.post("/api/v1/commissions/months/2026-03/close").status_code == 403
    assert client.post("/api/v1/commissions/months/2026-03/close").status_code == 401
    assert client.get("/api/v1/commissions/statements").status_code == 401


def test_admin_closes_one_branch_or_all(worked_example, org, as_admin, as_other_supervisor):
    response = as_admin.post(
        "/api/v1/commissions/months/2026-03/close", json={"branch": org.other_branch.code}
    )
    assert response.status_code == 200
    assert [b["branch"] for b in response.get_json()["branches"]] == [org.other_branch.code]
    assert rows(as_admin)[org.agent.agent_code]["state"] == "open"
    response = as_admin.post("/api/v1/commissions/months/2026-03/close?branch=all")
    assert response.status_code == 200
    assert {row["state"] for row in rows(as_admin).values()} == {"closed"}
    # a supervisor cannot name another branch
    other = as_other_supervisor.post(
        "/api/v1/commissions/months/2026-03/close", json={"branch": org.branch.code}
    )
    assert other.status_code == 422
    unknown = as_admin.post("/api/v1/commissions/months/2026-03/close?branch=NOPE")
    assert unknown.status_code == 422


def test_close_refuses_a_future_or_malformed_month(as_supervisor):
    response = as_supervisor.post("/api/v1/commissions/months/2999-01/close")
    assert response.status_code == 422
    assert "month" in response.get_json()["errors"]["path"]
    assert as_supervisor.post("/api/v1/commissions/months/2026-13/close").status_code == 422


def test_statement_pdf_lists_every_line(worked_example, org, as_agent, as_supervisor):
    row = rows(as_agent)[org.agent.agent_code]
    text = pdf_text(as_agent.get(f"/api/v1/commissions/statements/{row['id']}.pdf"))
    assert "ESTIMASI" in text
    assert org.agent.agent_code in text
    assert "Rp 1.026.000" in text and "Rp 102.600" in text
    for worker in worked_example:
        assert worker.full_name in text and worker.membership_number in text
        assert worker.nik not in text
    assert text.count("Rp 5.520") == 50 and text.count("Rp 15.000") >= 50

    as_supervisor.post("/api/v1/commissions/months/2026-03/close")
    english = as_agent.get(
        f"/api/v1/commissions/statements/{row['id']}.pdf", headers={"Accept-Language": "en"}
    )
    text = pdf_text(english)
    assert "Final" in text and "Rp 1,026,000" in text
    detail = as_agent.get(f"/api/v1/commissions/statements/{row['id']}").get_json()
    assert len(detail["lines"]) == 50 + 50 + 1  # acquisitions, collections, the Wadah share
    assert sum(line["amount"] for line in detail["lines"] if line["kind"] != "wadah") == 1_026_000


def test_statements_outside_scope_are_404(worked_example, org, as_agent, as_agent2, as_supervisor):
    own = rows(as_agent)[org.agent.agent_code]["id"]
    assert as_agent2.get(f"/api/v1/commissions/statements/{own}.pdf").status_code == 404
    assert as_agent2.get(f"/api/v1/commissions/statements/{own}").status_code == 404
    other = f"2026-03-{org.other_agent.id}"
    assert as_supervisor.get(f"/api/v1/commissions/statements/{other}").status_code == 404
    for bad in ("nonsense", "2026-03-0", "2026-03-x", "2026-3-1", "2026-03-999999"):
        assert as_supervisor.get(f"/api/v1/commissions/statements/{bad}").status_code == 404


def test_paid_by_supervisor_and_acknowledged_by_the_agent(
    worked_example, org, as_agent, as_agent2, as_supervisor
):
    statement_id = rows(as_agent)[org.agent.agent_code]["id"]
    paid = {"paid_on": "2026-04-04", "transfer_reference": "TRF-0001"}
    url = f"/api/v1/commissions/statements/{statement_id}"
    assert as_supervisor.post(f"{url}/paid", json=paid).status_code == 409  # still open
    as_supervisor.post("/api/v1/commissions/months/2026-03/close")
    assert as_agent.post(f"{url}/paid", json=paid).status_code == 403
    response = as_supervisor.post(f"{url}/paid", json=paid)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["transfer_reference"] == "TRF-0001"
    assert as_supervisor.post(f"{url}/paid", json=paid).status_code == 200  # same again
    other = {**paid, "transfer_reference": "TRF-0002"}
    assert as_supervisor.post(f"{url}/paid", json=other).status_code == 409
    bad = as_supervisor.post(f"{url}/paid", json={"paid_on": "x", "extra": 1})
    assert bad.status_code == 422
    assert as_supervisor.post(f"{url}/acknowledge").status_code == 403
    assert as_agent2.post(f"{url}/acknowledge").status_code == 404
    response = as_agent.post(f"{url}/acknowledge")
    assert response.status_code == 200 and response.get_json()["acknowledged_at"]
    assert rows(as_agent)[org.agent.agent_code]["paid_on"] == "2026-04-04"


def test_wadah_statements_and_pdf(worked_example, org, as_supervisor, as_agent):
    response = as_supervisor.get("/api/v1/commissions/wadah-statements?month=2026-03")
    assert response.status_code == 200
    body = {row["wadah_id"]: row for row in response.get_json()}
    assert set(body) == {org.wadah.id, org.wadah2.id}
    first = body[org.wadah.id]
    assert (first["total"], first["wadah_fee"], first["payable"]) == (
        1_026_000,
        102_600,
        1_128_600,
    )
    text = pdf_text(as_supervisor.get(f"/api/v1/commissions/wadah-statements/{first['id']}.pdf"))
    assert org.wadah.name in text and "Rp 1.128.600" in text and org.agent.agent_code in text
    assert as_agent.get("/api/v1/commissions/wadah-statements").status_code == 403
    other = f"2026-03-{org.other_agent.wadah_id}"
    assert as_supervisor.get(f"/api/v1/commissions/wadah-statements/{other}.pdf").status_code == 404


def test_rule_sets_are_seeded_and_admin_adds_a_version(as_admin, as_supervisor, org, db):
    seeded = as_supervisor.get("/api/v1/commissions/rule-sets").get_json()
    assert seeded[0]["acquisition_fee_with_jht"] == 15_000
    assert (seeded[0]["acquisition_minimum"], seeded[0]["full_rate_bp"]) == (25, 1_500)
    version = {
        "effective_from": "2027-01",
        "acquisition_fee_with_jht": 20_000,
        "acquisition_fee_basic": 12_000,
        "acquisition_minimum": 20,
        "full_rate_until": 24,
        "full_rate_bp": 1_500,
        "reduced_rate_until": 60,
        "reduced_rate_bp": 500,
        "wadah_bp": 1_000,
        "source": "Keputusan Direksi (uji)",
    }
    assert as_supervisor.post("/api/v1/commissions/rule-sets", json=version).status_code == 403
    response = as_admin.post("/api/v1/commissions/rule-sets", json=version)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["suspend_months"] == 3
    new_paying_workers(db.session, org.agent, 1, MARCH, has_jht=False)
    db.session.commit()
    as_admin.post("/api/v1/commissions/months/2026-03/close")
    early = {**version, "effective_from": "2026-03"}
    refused = as_admin.post("/api/v1/commissions/rule-sets", json=early)
    assert refused.status_code == 409
    assert "effective_from" in refused.get_json()["errors"]["json"]


def test_odd_months_are_refused_not_crashed(as_admin):
    assert as_admin.get("/api/v1/commissions/statements?month=9999-12").status_code == 422
    assert as_admin.get("/api/v1/commissions/statements?month=1900-01").status_code == 422
    assert as_admin.get("/api/v1/commissions/statements/9999-12-1").status_code == 404
    assert as_admin.get("/api/v1/commissions/standing?month=2026-1").status_code == 422

"""Attaching a sponsor payment (3, 6 or 12 months) to everyone a list registers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from perisai import clock
from perisai.contributions.models import Payment, Sponsor, SponsorPayment
from perisai.months import Month
from perisai.workers.models import Worker
from tests.imports.helpers import csv_bytes, rows_of, upload


@pytest.fixture
def sponsor(db, org):
    today = clock.today()
    sponsor = Sponsor(
        name="Pemkab Demak (APBD)",
        type="apbd",
        branch_id=org.branch.id,
        agreement_reference="PKS/APBD/2026/01",
        agreement_start=today - timedelta(days=30),
        agreement_end=today + timedelta(days=300),
        contact_name="Dinas Tenaga Kerja",
    )
    db.session.add(sponsor)
    db.session.commit()
    return sponsor


@pytest.mark.parametrize("mode", ["valid_only", "all_or_nothing"])
def test_sponsor_pays_the_months_for_everyone_imported(db, org, as_supervisor, sponsor, mode):
    rows = rows_of(4, start=3000, agent_code=org.agent.agent_code)
    response = upload(
        as_supervisor, csv_bytes(rows), mode=mode, sponsor_id=sponsor.id, sponsor_months=3
    )
    job = response.get_json()
    assert job["state"] == "done", job
    assert job["counts"]["imported"] == 4 and job["counts"]["paid"] == 4
    # APBD funding: PP 50/2025 discount excluded → JKK 1 % of 1,000,000 + JKM 6,800 per month.
    assert job["amount_paid"] == 4 * 3 * 16_800
    payments = db.session.scalars(select(Payment)).all()
    assert len(payments) == 4
    assert {p.sponsor_id for p in payments} == {sponsor.id}
    assert {p.channel for p in payments} == {"sponsor"}
    assert sum(p.amount for p in payments) == job["amount_paid"]
    this_month = Month.of(clock.today())
    workers = db.session.scalars(select(Worker)).all()
    assert {w.funding for w in workers} == {"apbd"}
    assert {w.covered_until for w in workers} == {this_month + 2}
    assert db.session.scalar(select(func.count()).select_from(SponsorPayment)) >= 1


def test_valid_only_never_leaves_a_registered_but_unpaid_row(db, org, as_admin, sponsor):
    rows = rows_of(3, start=3100, agent_code=org.agent.agent_code)
    rows[1]["agent_code"] = org.other_agent.agent_code  # another branch than the sponsor's
    job = upload(
        as_admin, csv_bytes(rows), mode="valid_only", sponsor_id=sponsor.id, sponsor_months=6
    ).get_json()
    assert job["counts"]["imported"] == 2 and job["counts"]["paid"] == 2
    problems = as_admin.get(f"/api/v1/imports/{job['id']}/rows?status=problems").get_json()
    assert [p["row"] for p in problems] == [3]
    assert db.session.scalar(select(func.count()).select_from(Worker)) == 2
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 2


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"sponsor_months": 4}, 422),
        ({"sponsor_months": 3, "paid_on": timedelta(days=5)}, 422),  # from today: the future
        ({"sponsor_months": 3, "paid_on": timedelta(days=-45)}, 422),  # before the agreement
        ({}, 422),
    ],
)
def test_sponsor_options_are_checked_before_anything_runs(
    db, org, as_supervisor, sponsor, form, status
):
    if "paid_on" in form:  # a day counted from the test's today, not from collection time
        form = {**form, "paid_on": (clock.today() + form["paid_on"]).isoformat()}
    response = upload(
        as_supervisor, csv_bytes(rows_of(1, start=3200)), sponsor_id=sponsor.id, **form
    )
    assert response.status_code == status, response.get_json()
    assert db.session.scalar(select(func.count()).select_from(Worker)) == 0


def test_sponsor_of_another_branch_is_unknown(db, org, as_other_supervisor, sponsor):
    response = upload(
        as_other_supervisor,
        csv_bytes(rows_of(1, start=3300)),
        sponsor_id=sponsor.id,
        sponsor_months=3,
    )
    assert response.status_code == 422

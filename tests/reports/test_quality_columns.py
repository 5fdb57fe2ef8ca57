"""Agent quality on the leaderboard (issue 21): of the month's registrations, the share flagged,
confirmed and cleared, in the agents report (JSON and CSV) and on the page."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from perisai.quality.flags import review_flag
from perisai.quality.models import QualityFlag
from tests.factories import make_worker

pytestmark = pytest.mark.today("2026-12-20")


@pytest.fixture
def registrations(db, org):
    day = date(2026, 12, 5)
    for n in range(10):  # two of ten filled in seconds: one flag
        make_worker(db.session, org.agent, registered_on=day, capture_seconds=4 if n < 2 else 300)
    for _ in range(4):
        make_worker(db.session, org.agent2, registered_on=day, capture_seconds=300)
    db.session.commit()
    flag = db.session.scalar(select(QualityFlag).where(QualityFlag.kind == "fast_capture"))
    review_flag(db.session, flag=flag, decision="confirm", note="invented", user=None)
    db.session.commit()


def test_the_agents_report_carries_the_quality_shares(as_supervisor, org, registrations):
    rows = as_supervisor.get("/api/v1/reports/agents?month=2026-12").get_json()
    mine = {r["agent_code"]: r for r in rows}
    assert mine[org.agent.agent_code]["flagged_rate"] == 0.2
    assert mine[org.agent.agent_code]["confirmed_rate"] == 0.2
    assert mine[org.agent.agent_code]["cleared_rate"] == 0.0
    assert mine[org.agent2.agent_code]["flagged_rate"] == 0.0
    exported = as_supervisor.get("/api/v1/reports/agents?month=2026-12&format=csv")
    table = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert {"flagged_rate", "confirmed_rate", "cleared_rate"} <= set(table[0])


@pytest.mark.parametrize(
    ("lang", "heading", "detail"),
    [("id", "Mutu", "2 dikonfirmasi"), ("en", "Quality", "2 confirmed")],
)
def test_the_leaderboard_page_shows_the_quality_column(
    as_supervisor, org, registrations, lang, heading, detail
):
    html = as_supervisor.get(f"/supervisor/agents?month=2026-12&lang={lang}").get_data(as_text=True)
    assert f">{heading}</th>" in html and detail in html

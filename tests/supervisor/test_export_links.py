"""The leaderboard's download links, followed as rendered: every one answers its file."""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import pytest

from tests.reports.helpers import build_history


@pytest.mark.today("2026-06-15")
def test_every_download_link_the_page_shows_downloads(db, org, as_supervisor):
    build_history(db.session, org)
    page = as_supervisor.get("/supervisor/agents?month=2026-06&status=&wadah=").get_data(
        as_text=True
    )
    links = [html.unescape(h) for h in re.findall(r'href="(/api/v1/reports/[^"]+)"', page)]
    assert len(links) == 4
    for link in links:
        assert "=&" not in link and not link.endswith("="), link
        response = as_supervisor.get(link)
        assert response.status_code == 200, (link, response.get_data(as_text=True)[:300])
        if "format=csv" in link:
            rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert len(rows) > 1, link


@pytest.mark.today("2026-06-15")
def test_empty_filters_mean_no_filter_in_the_api(db, org, as_supervisor):
    build_history(db.session, org)
    url = "/api/v1/reports/agents?month=2026-06&format=csv&branch_id=&wadah_id=&status="
    assert as_supervisor.get(url).status_code == 200
    url = "/api/v1/reports/participants?month=2026-06&format=csv&branch_id=&agent_code="
    assert as_supervisor.get(url).status_code == 200

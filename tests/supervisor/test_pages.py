"""The /supervisor/ pages: who may see what, the figures shown, escaping, language, forms."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.conftest import login
from tests.reports.helpers import build_history, participant, pay


@pytest.fixture
def history(db, org):
    return build_history(db.session, org)


def pages(org):
    return [
        "/supervisor/",
        "/supervisor/agents",
        f"/supervisor/agents/{org.agent.agent_code}",
        "/supervisor/regions",
        f"/supervisor/wadah/{org.wadah.id}",
    ]


def test_anonymous_is_sent_to_login(history, client):
    for url in pages(history.org):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/supervisor/login?next=")


def test_agent_gets_403(history, as_agent):
    for url in pages(history.org):
        response = as_agent.get(url)
        assert response.status_code == 403, url
        assert "supervisor" in response.get_data(as_text=True).lower()


def test_supervisor_sees_own_branch_only(history, as_supervisor):
    org = history.org
    for url in pages(org):
        assert as_supervisor.get(url + "?month=2026-06").status_code == 200, url
    assert as_supervisor.get(f"/supervisor/agents/{org.other_agent.agent_code}").status_code == 404
    other_wadah = org.other_agent.wadah_id
    assert as_supervisor.get(f"/supervisor/wadah/{other_wadah}").status_code == 404
    board = as_supervisor.get("/supervisor/agents?month=2026-06").get_data(as_text=True)
    assert org.agent.agent_code in board and org.other_agent.agent_code not in board
    # an admin-only branch choice in the URL changes nothing for a supervisor
    widened = f"/supervisor/agents?month=2026-06&branch={org.other_branch.id}"
    assert org.other_agent.agent_code not in as_supervisor.get(widened).get_data(as_text=True)


def test_admin_sees_everything_and_picks_a_branch(history, as_admin):
    org = history.org
    for url in pages(org):
        assert as_admin.get(url).status_code == 200, url
    assert as_admin.get(f"/supervisor/agents/{org.other_agent.agent_code}").status_code == 200
    board = as_admin.get("/supervisor/agents?month=2026-06").get_data(as_text=True)
    assert org.agent.agent_code in board and org.other_agent.agent_code in board
    only_b = as_admin.get(f"/supervisor/agents?month=2026-06&branch={org.other_branch.id}")
    text = only_b.get_data(as_text=True)
    assert org.other_agent.agent_code in text and org.agent.agent_code not in text
    # the branch chosen holds for records too: an agent or Wadah of another branch is a 404
    chosen = f"?branch={org.branch.id}"
    other_agent = f"/supervisor/agents/{org.other_agent.agent_code}{chosen}"
    assert as_admin.get(other_agent).status_code == 404
    assert as_admin.get(f"/supervisor/wadah/{org.other_agent.wadah_id}{chosen}").status_code == 404
    assert as_admin.get(f"/supervisor/agents/{org.agent.agent_code}{chosen}").status_code == 200


def figure(html: str, name: str) -> list[str]:
    row = re.search(rf'<tr data-figure="{name}">(.*?)</tr>', html, re.S).group(1)
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


@pytest.mark.today("2026-07-15")
def test_overview_figures_against_last_month(history, as_supervisor):
    html = as_supervisor.get("/supervisor/?month=2026-06&lang=en").get_data(as_text=True)
    assert figure(html, "active_participants")[:3] == ["3", "3", "0"]
    assert figure(html, "first_payments")[:3] == ["1", "1", "0"]
    assert figure(html, "grace_participants")[:3] == ["1", "0", "+1 (worse)"]
    assert figure(html, "ended_participants")[:2] == ["0", "1"]
    assert figure(html, "collected_amount")[:2] == ["Rp 33,600", "Rp 16,800"]
    assert figure(html, "registered_total")[0] == "7"
    assert "<svg" in html and "polyline" in html


def test_overview_in_bahasa_by_default(history, as_supervisor):
    html = as_supervisor.get("/supervisor/?month=2026-06").get_data(as_text=True)
    assert "Peserta aktif" in html and 'lang="id"' in html
    assert figure(html, "collected_amount")[0] == "Rp 33.600"
    english = as_supervisor.get("/supervisor/?month=2026-06", headers={"Accept-Language": "en"})
    assert "Active participants" in english.get_data(as_text=True)


def test_agent_detail_shows_status_counts_backlog_and_map(history, as_supervisor):
    org = history.org
    url = f"/supervisor/agents/{org.agent.agent_code}?month=2026-06"
    html = as_supervisor.get(url).get_data(as_text=True)
    counts = dict(re.findall(r'data-status="(\w+)"><strong>(\d+)</strong>', html))
    # covered_until as of June: a1 Jun, a5 Jun active; a3 May grace; a2 Jan ended; a4 never paid
    assert counts == {"registered": "1", "active": "2", "grace": "1", "ended": "1"}
    assert history.workers["a3"].membership_number in html  # in grace: renewal backlog
    assert "data-plain-map" in html and 'data-legend="grace"' in html  # no tile source set


def test_participant_names_are_escaped(db, history, as_supervisor):
    org = history.org
    evil = participant(
        db.session, org.agent, date(2026, 5, 1), full_name="<script>alert(1)</script>"
    )
    pay(db.session, evil, date(2026, 5, 2), ["2026-05"])
    db.session.commit()
    html = as_supervisor.get(f"/supervisor/agents/{org.agent.agent_code}?month=2026-06").get_data(
        as_text=True
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pages_need_no_inline_script_or_style(history, as_admin):
    for url in pages(history.org):
        response = as_admin.get(url)
        html = response.get_data(as_text=True)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html and " style=" not in html, url
        assert "http://" not in html.replace("http://www.w3.org/2000/svg", ""), url


def test_static_files_and_vendored_leaflet(client):
    for name, expected in (
        ("supervisor.css", b"CSP"),
        ("map.js", b"tile"),
        ("vendor/leaflet/leaflet.js", b"Leaflet"),
        ("vendor/leaflet/LICENSE", b"Copyright"),
    ):
        response = client.get(f"/supervisor/static/{name}")
        try:
            assert response.status_code == 200 and expected in response.data, name
        finally:
            response.close()


def csrf_from(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_login_form(history, app):
    org = history.org
    client = app.test_client()
    page = client.get("/supervisor/login?next=/supervisor/agents")
    token = csrf_from(page.get_data(as_text=True))
    form = {"username": org.supervisor_user.username, "csrf_token": token}
    wrong = client.post("/supervisor/login", data={**form, "password": "wrong-password"})
    assert wrong.status_code == 401
    assert "salah" in wrong.get_data(as_text=True)
    missing = client.post(
        "/supervisor/login", data={**form, "csrf_token": "x", "password": "perisai-test-pw"}
    )
    assert missing.status_code == 403
    from tests.factories import PASSWORD

    ok = client.post(
        "/supervisor/login", data={**form, "password": PASSWORD, "next": "/supervisor/agents"}
    )
    assert ok.status_code == 302 and ok.headers["Location"] == "/supervisor/agents"
    assert client.get("/supervisor/agents").status_code == 200
    offsite = client.get("/supervisor/login?next=//evil.example/")
    assert offsite.headers["Location"] == "/supervisor/"


def test_logout_needs_csrf(history, app):
    session = login(app, history.org.supervisor_user.username)
    assert session.client.post("/supervisor/logout", data={}).status_code == 403
    done = session.client.post("/supervisor/logout", data={"csrf_token": session.csrf_token})
    assert done.status_code == 302
    assert session.client.get("/supervisor/").status_code == 302


def upload(session, text: str, token=None):
    import io

    return session.client.post(
        "/supervisor/regions/estimates",
        data={
            "csrf_token": token if token is not None else session.csrf_token,
            "source": "BPS Sakernas 2025",
            "file": (io.BytesIO(text.encode()), "estimates.csv"),
        },
        content_type="multipart/form-data",
    )


def test_admin_uploads_workforce_estimate_and_regions_rank(history, as_admin, as_supervisor):
    assert (
        upload(as_admin, "region_code,informal_workers\n33.25,40\n", token="nope").status_code
        == 403
    )
    assert upload(as_supervisor, "33.25,40\n").status_code == 403
    bad = upload(as_admin, "33.25,forty\n")
    assert bad.status_code == 422 and "1" in bad.get_data(as_text=True)
    done = upload(as_admin, "region_code,informal_workers\n33.25,40\n33.25.01,20\n")
    assert done.status_code == 302
    html = as_supervisor.get("/supervisor/regions?month=2026-06&lang=en").get_data(as_text=True)
    row = re.search(r'<tr data-region="33.25">(.*?)</tr>', html, re.S).group(1)
    cells = [c.strip() for c in re.findall(r'<td class="n">(.*?)</td>', row, re.S)]
    # registered by June: 7 in 33.25; active in June: a1, a5, b1; estimate 40
    assert cells[1:] == ["7", "3", "40", "17.5%", "7.5%"]
    districts = as_supervisor.get("/supervisor/regions?month=2026-06&regency=33.25&lang=en")
    assert 'data-region="33.25.01"' in districts.get_data(as_text=True)


def test_wadah_filter_lists_one_branchs_wadah_never_the_whole_country(history, as_admin):
    org = history.org
    country = as_admin.get("/supervisor/agents?month=2026-06").get_data(as_text=True)
    assert 'name="wadah"' not in country  # thousands nationally: a branch is chosen first
    branch = as_admin.get(f"/supervisor/agents?month=2026-06&branch={org.branch.id}")
    text = branch.get_data(as_text=True)
    assert f'<option value="{org.wadah.id}"' in text
    assert f'<option value="{org.other_agent.wadah_id}"' not in text


@pytest.mark.parametrize("url", ["/supervisor/agents?month=2026-06", "/api/v1/reports/agents"])
def test_leaderboard_statements_do_not_grow_with_its_rows(history, db, as_supervisor, url):
    """Rows are built from what the ranking query loaded: no query per agent (a commit before
    rendering used to expire them all, and each row loaded its agent again)."""
    from sqlalchemy import event

    from tests.factories import make_agent

    def statements() -> int:
        executed = []

        def count(*args):
            executed.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert as_supervisor.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(executed)

    statements()  # brings the rollups up to date
    few = statements()
    org = history.org
    for n in range(12):
        make_agent(db.session, org.wadah, agent_code=f"AG-N{n:02d}", nik=f"33250101900{n:05d}"[:16])
    db.session.commit()
    assert statements() <= few + 1  # (+1: the rule set of agents without any payment yet)

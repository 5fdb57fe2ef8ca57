"""Supervisor console (issue 17): the overview compares like with like and colours by what is
good, figures and months are written per language (Babel), charts are titled with round ticks,
the map has a legend and a plain fallback, and no page mixes the two languages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from perisai.supervisor import charts
from tests.reports.helpers import build_history, participant, pay


def cells(html: str, name: str) -> list[str]:
    """The visible text of a figure row's cells (tags dropped, spaces folded)."""
    row = re.search(rf'<tr data-figure="{name}">(.*?)</tr>', html, re.S).group(1)
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    ]


def verdict(html: str, name: str) -> str | None:
    row = re.search(rf'<tr data-figure="{name}">(.*?)</tr>', html, re.S).group(1)
    found = re.search(r'data-verdict="(\w*)"', row)
    return found.group(1) if found else None


@pytest.mark.today("2026-07-15")
def test_a_finished_month_is_compared_whole_and_coloured_by_good_news(db, org, as_supervisor):
    build_history(db.session, org)
    html = as_supervisor.get("/supervisor/?month=2026-06&lang=en").get_data(as_text=True)
    assert "data-in-progress" not in html
    # June against May: one more in grace is bad news; one fewer ended is good news
    assert cells(html, "grace_participants")[:3] == ["1", "0", "+1 (worse)"]
    assert verdict(html, "grace_participants") == "bad"
    assert cells(html, "ended_participants")[:3] == ["0", "1", "−1 (better)"]
    assert verdict(html, "ended_participants") == "good"
    assert 'class="n good"' in html and 'class="n bad"' in html
    assert cells(html, "collected_amount")[:3] == ["Rp 33,600", "Rp 16,800", "+Rp 16,800 (better)"]
    assert "<h1>Overview · June 2026</h1>" in html
    bahasa = as_supervisor.get("/supervisor/?month=2026-06&lang=id").get_data(as_text=True)
    assert "<h1>Ringkasan · Juni 2026</h1>" in bahasa
    assert cells(bahasa, "collected_amount")[2] == "+Rp 16.800 (membaik)"
    assert cells(bahasa, "ended_participants")[2] == "−1 (membaik)"


@pytest.mark.today("2026-06-03")
def test_a_month_in_progress_is_compared_with_the_same_days_of_last_month(db, org, as_supervisor):
    agent = org.agent
    may = [participant(db.session, agent, date(2026, 5, d)) for d in (1, 2, 3, 20)]
    june = [participant(db.session, agent, date(2026, 6, d)) for d in (1, 2)]
    pay(db.session, may[0], date(2026, 5, 2), ["2026-05"])  # in the same days: Rp 16,800
    pay(db.session, may[1], date(2026, 5, 25), ["2026-05", "2026-06"])  # later in May
    pay(db.session, june[0], date(2026, 6, 2), ["2026-06", "2026-07"])  # Rp 33,600
    db.session.commit()
    html = as_supervisor.get("/supervisor/?lang=en").get_data(as_text=True)
    assert "Month in progress: up to Jun 3, 2026" in html and "(up to May 3, 2026)" in html
    # registered June 1-2 against May 1-3 (not the whole of May's 4): 2 - 3
    assert cells(html, "new_participants")[:3] == ["2", "3 same days", "−1 (worse)"]
    assert verdict(html, "new_participants") == "bad"
    assert cells(html, "collected_amount")[:3] == [
        "Rp 33,600",
        "Rp 16,800 same days",
        "+Rp 16,800 (better)",
    ]
    # states of a whole month are not compared before the month is over: no colour
    active = cells(html, "active_participants")
    assert active[1:3] == ["2 whole month", "month in progress"]
    assert verdict(html, "active_participants") is None
    assert verdict(html, "ended_participants") is None
    bahasa = as_supervisor.get("/supervisor/?lang=id").get_data(as_text=True)
    assert "Bulan berjalan: sampai 3 Jun 2026" in bahasa
    assert cells(bahasa, "new_participants")[1:3] == ["3 s.d. tanggal yang sama", "−1 (memburuk)"]


def test_nice_ticks_are_round_numbers():
    assert charts.nice_ticks(22) == [0, 10, 20, 30]
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(2_000_000) == [0, 500_000, 1_000_000, 1_500_000, 2_000_000]
    assert charts.nice_ticks(3) == [0, 1, 2, 3]
    assert charts.nice_ticks(0) == [0, 1]


def test_charts_are_titled_with_month_names_and_units_per_language():
    from perisai.months import Month

    months = [Month(2025, 12) + i for i in range(3)]
    money = [("Collected", [500_000, 2_000_000, 1_250_000])]
    english = str(charts.line_chart(months, money, "Money per month (Rp)", "en", money=True))
    ticks = re.findall(r'class="y-tick"[^>]*>([^<]+)<', english)
    assert ticks == ["0", "500K", "1M", "1.5M", "2M"]
    assert re.findall(r'class="x-tick"[^>]*>([^<]+)<', english) == ["Dec", "Jan", "Feb"]
    assert re.findall(r'class="x-year"[^>]*>([^<]+)<', english) == ["2025", "2026"]
    assert 'class="chart-title"' in english and ">Money per month (Rp)</text>" in english
    assert "Collected, January 2026: Rp 2,000,000" in english
    bahasa = str(charts.line_chart(months, money, "Uang", "id", money=True))
    ticks = [t.replace("\xa0", " ") for t in re.findall(r'class="y-tick"[^>]*>([^<]+)<', bahasa)]
    assert ticks == ["0", "500 rb", "1 jt", "1,5 jt", "2 jt"]
    assert re.findall(r'class="x-tick"[^>]*>([^<]+)<', bahasa) == ["Des", "Jan", "Feb"]
    # the last month's label and marker stay inside the picture
    width = int(re.search(r'viewBox="0 0 (\d+)', english).group(1))
    last_x = float(re.findall(r'class="x-tick" x="([\d.]+)"', english)[-1])
    assert last_x + 3 * 11 * 0.6 / 2 < width


def test_legend_entries_do_not_overlap():
    from perisai.months import Month

    long = "Peserta baru yang pendaftarannya dibayar pertama kali bulan itu"
    svg = str(
        charts.line_chart([Month(2026, 1)], [(long, [1]), (long, [2]), (long, [3])], "T", "id")
    )
    tops = [
        float(y) for y in re.findall(r'<g class="legend-item"><line x1="[\d.]+" y1="([\d.]+)"', svg)
    ]
    assert len(set(tops)) == 3  # each long entry on its own row


@pytest.mark.today("2026-07-15")
def test_wadah_page_translates_its_status_and_dates(db, org, as_supervisor):
    build_history(db.session, org)
    url = f"/supervisor/wadah/{org.wadah.id}?month=2026-06"
    bahasa = as_supervisor.get(url + "&lang=id").get_data(as_text=True)
    status = re.search(r'<dd data-wadah-status="active">([^<]+)</dd>', bahasa).group(1)
    assert status == "Aktif"
    assert "Status active" not in re.sub(r"<[^>]+>", " ", bahasa)
    english = as_supervisor.get(url + "&lang=en").get_data(as_text=True)
    assert re.search(r'<dd data-wadah-status="active">Active</dd>', english)
    assert "Wadah fee June 2026" in english


@pytest.mark.today("2026-07-15")
def test_agent_map_without_tiles_is_a_plain_labelled_map_with_a_legend(db, org, as_supervisor):
    history = build_history(db.session, org)
    url = f"/supervisor/agents/{org.agent.agent_code}?month=2026-06"
    response = as_supervisor.get(url + "&lang=en")
    html = response.get_data(as_text=True)
    assert "leaflet" not in html  # no tile source configured: nothing to fetch
    assert "data-plain-map" in html and "No base map" in html
    # the five registration points of agent A, coloured by their June status
    statuses = re.findall(r'<circle class="point" data-status="(\w+)"', html)
    assert sorted(statuses) == ["active", "active", "ended", "grace", "registered"]
    legend = dict(re.findall(r'<li data-legend="(\w+)">.*?\((\d+)\)</li>', html, re.S))
    assert legend == {"active": "2", "grace": "1", "ended": "1", "registered": "1"}
    assert "active this month" in html and "registered, never paid" in html
    assert "° S" in html and "° E" in html  # degree gridlines labelled (south, east)
    bahasa = as_supervisor.get(url + "&lang=id").get_data(as_text=True)
    assert "° LS" in bahasa and "° BT" in bahasa and "aktif bulan ini" in bahasa
    assert history.workers["a3"].membership_number in html


def test_a_tile_source_must_be_https_and_attributed():
    from perisai import create_app

    with pytest.raises(RuntimeError, match="PERISAI_MAP_ATTRIBUTION"):
        create_app({"MAP_TILES": "https://{s}.tiles.example.id/{z}/{x}/{y}.png"})
    with pytest.raises(RuntimeError, match="PERISAI_MAP_TILES"):
        create_app({"MAP_TILES": "http://tiles.example.id/{z}/{x}.png", "MAP_ATTRIBUTION": "x"})


def test_tile_source_reaches_the_page(app, db, org):
    from tests.conftest import login

    build_history(db.session, org)
    app.config.update(
        MAP_TILES="https://{s}.tiles.example.id/{z}/{x}/{y}.png",
        MAP_ATTRIBUTION="© Peta Contoh",
    )
    try:
        session = login(app, org.supervisor_user.username)
        response = session.get(f"/supervisor/agents/{org.agent.agent_code}?month=2026-06")
        html = response.get_data(as_text=True)
    finally:
        app.config.update(MAP_TILES=None, MAP_ATTRIBUTION="")
    assert 'data-tiles="https://{s}.tiles.example.id/{z}/{x}/{y}.png"' in html
    assert 'data-attribution="© Peta Contoh"' in html and "leaflet.js" in html
    assert (
        "img-src 'self' data: blob: https://*.tiles.example.id;"
        in response.headers["Content-Security-Policy"]
    )
    assert "data-plain-map" not in html and 'class="plain-map fallback" hidden' in html


# --- every page in both languages ----------------------------------------------------------------

# Words of the other language that a page must not show (in <main>, tags dropped). Data from the
# fixtures is given neutral names below, so anything found here is the page's own text.
NOT_IN_BAHASA = [
    r"\bStatus active\b",
    r"\bactive\b",
    r"\bsuspended\b",
    r"\bterminated\b",
    r"\bParticipants?\b",
    r"\bContributions?\b",
    r"\bOverview\b",
    r"\bMonth\b",
    r"\bmonth in progress\b",
    r"\bwhole month\b",
    r"\bDownload\b",
    r"\bLeaderboard\b",
    r"\bWarning\b",
    r"\bNone\.",
    r"\b(January|February|March|May|June|July|August|October|December)\b",
    r"\d[MKB]\b",  # English compact figures (2M, 500K)
    r"\d,\d{3}\b",  # English thousands separator
    r"° [NSEW]\b",
]
NOT_IN_ENGLISH = [
    r"\bPeserta\b",
    r"\bBulan\b",
    r"\bbulan\b",
    r"\bIuran\b",
    r"\bAktif\b",
    r"\baktif\b",
    r"\b[Tt]enggang\b",
    r"\b[Bb]erakhir\b",
    r"\bTerdaftar\b",
    r"\bKomisi\b",
    r"\bUnduh\b",
    r"\bTanda\b",
    r"\bPeringkat\b",
    r"\bCakupan\b",
    r"\bRingkasan\b",
    r"\bjt\b",
    r"\brb\b",
    r"\b(Januari|Februari|Maret|Mei|Juni|Juli|Agustus|Oktober|Desember|Agu|Okt|Des)\b",
    r"° (LU|LS|BT|BB)\b",
    r"\d\.\d{3}\b",  # Indonesian thousands separator
]


def visible_main(html: str) -> str:
    main = re.search(r"<main>(.*)</main>", html, re.S).group(1)
    main = re.sub(r"<script.*?</script>", " ", main, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def console_urls(app, org) -> list[str]:
    """Every GET page of the supervisor blueprint that needs no record id beyond ours."""
    args = {"agent_code": org.agent.agent_code, "wadah_id": org.wadah.id}
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/supervisor/") or "GET" not in rule.methods:
            continue
        if rule.endpoint.endswith("static") or rule.rule.endswith(("/login", ".csv", ".xlsx")):
            continue
        if not set(rule.arguments) <= set(args):
            continue
        if rule.rule.startswith("/supervisor/imports"):
            # its own pages (perisai/imports/pages.py) follow Accept-Language, not the console's
            # ?lang= switch: moved into the console's header by the imports work (issue 17)
            continue
        urls.append(rule.build({k: args[k] for k in rule.arguments})[1])
    return sorted(urls)


@pytest.mark.today("2026-07-15")
def test_every_supervisor_page_speaks_one_language(app, db, org, as_supervisor):
    from perisai.regions.models import Region

    history = build_history(db.session, org)
    for n, worker in enumerate(history.workers.values()):
        worker.full_name = f"Ayu Lestari {n}"
    for n, agent in enumerate((org.agent, org.agent2, org.other_agent)):
        agent.full_name = f"Rina Wulan {n}"
    for region in db.session.query(Region):
        region.name = f"Batang {region.code}"
    for wadah in (org.wadah, org.wadah2):
        wadah.name = f"Kantor Perisai {wadah.id}"
    db.session.commit()
    urls = console_urls(app, org)
    assert {"/supervisor/", "/supervisor/agents", "/supervisor/regions"} <= set(urls)
    assert f"/supervisor/wadah/{org.wadah.id}" in urls
    problems = []
    for url in urls:
        for lang, banned in (("id", NOT_IN_BAHASA), ("en", NOT_IN_ENGLISH)):
            joiner = "&" if "?" in url else "?"
            response = as_supervisor.get(f"{url}{joiner}month=2026-06&lang={lang}")
            assert response.status_code == 200, (url, lang, response.status_code)
            text = visible_main(response.get_data(as_text=True))
            for pattern in banned:
                for found in re.finditer(pattern, text):
                    around = text[max(found.start() - 30, 0) : found.end() + 30]
                    problems.append(f"{lang} {url}: {found.group(0)!r} in …{around}…")
    assert not problems, "\n".join(problems)

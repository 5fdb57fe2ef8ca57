"""/supervisor/ report pages: the overview, the leaderboard, the agent page, coverage by region
and a Wadah's page; thin views over the perisai.reports modules, rendered with Jinja."""

from __future__ import annotations

from flask import g, redirect, request, url_for
from flask_login import current_user

from perisai import zones
from perisai.agents import admin
from perisai.audit.operations import note_read
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.i18n import t
from perisai.reports import compare, estimates
from perisai.reports.agent_detail import agent_trend, map_points, renewal_backlog, status_counts
from perisai.reports.commissions import wadah_fee
from perisai.reports.leaderboard import as_of_day, leaderboard
from perisai.reports.overview import overview as month_overview
from perisai.reports.regions import regions as region_coverage
from perisai.reports.scope import branches, wadahs
from perisai.supervisor import charts
from perisai.supervisor.blueprint import page_route
from perisai.supervisor.maps import allow_tiles, map_status, map_tiles
from perisai.supervisor.pages import (
    chosen_month,
    chosen_scope,
    page_language,
    page_query,
    render,
    supervisor_page,
)
from perisai.supervisor.schemas import AgentsQuery, PageQuery, RegionsQuery


def _common(month, scope):
    return {
        "month": month,
        "branches": branches(db.session) if g.scope.is_admin else [],
        "branch_id": scope.one_branch_id if g.scope.is_admin else None,
    }


@supervisor_page
@page_query(PageQuery)
def overview():
    month, scope = chosen_month(), chosen_scope()
    data = month_overview(db.session, scope, month)
    zone = zones.of_user(db.session, current_user)
    comparison = compare.compare(db.session, scope, month, data.current, data.previous, zone)
    charts_ = overview_charts([r["month"] for r in data.trend], data.trend, page_language())
    html = render(
        "supervisor/overview.html",
        data=data,
        comparison=comparison,
        charts=charts_,
        **_common(month, scope),
    )
    db.session.commit()  # the rollups it refreshed; after rendering, as a commit expires
    return html


def overview_charts(months, trend, lang) -> list:
    """Active participants, the month's new and first-paying ones, and the money: three
    charts, so a line in the hundreds does not flatten two in the tens."""

    def line(*names):
        return [(t(f"sv.{n}", lang), [r[n] for r in trend]) for n in names]

    return [
        charts.line_chart(months, line("active_participants"), t("sv.chart_active", lang), lang),
        charts.line_chart(
            months, line("new_participants", "first_payments"), t("sv.chart_new", lang), lang
        ),
        charts.line_chart(
            months, line("collected_amount"), t("sv.chart_money", lang), lang, money=True
        ),
    ]


@supervisor_page
@page_query(AgentsQuery)
def agents():
    month, scope = chosen_month(), chosen_scope()
    args = g.query
    sort, status, wadah_id, page = args["sort"], args["status"], args["wadah"], args["page"]
    rows, total = leaderboard(
        db.session,
        scope,
        month,
        page=page,
        page_size=50,
        wadah_id=wadah_id,
        status=status,
        sort=sort,
        descending=args["order"] != "asc",
    )
    html = render(
        "supervisor/agents.html",
        rows=rows,
        total=total,
        page=page,
        pages=(total + 49) // 50,
        sort=sort,
        order=args["order"],
        status=status,
        wadah_id=wadah_id,
        wadahs=wadahs(db.session, scope) if not scope.every_branch else [],
        as_of=as_of_day(month, zones.of_user(db.session, current_user)),
        **_common(month, scope),
    )
    db.session.commit()  # the rollups it refreshed; after rendering, as a commit expires
    return html


@supervisor_page
@page_query(PageQuery)
def agent_detail(agent_code):
    return agent_page(chosen_scope().agent_by_code(db.session, agent_code))


def agent_page(agent, status: int = 200, error: str | None = None):
    """The agent's figures, map and backlog, and its administration (perisai.supervisor.
    admin_pages posts there; a refused action comes back here with its `error`)."""
    month, scope = chosen_month(), chosen_scope()
    trend = agent_trend(db.session, scope, agent, month)
    lang = page_language()
    points = map_status(map_points(db.session, agent), month)
    backlog = renewal_backlog(db.session, agent, month)
    if backlog:  # the participants' names: a list read
        note_read("list", "participant")
    today = zones.today_of_branch(db.session, agent.wadah.branch_id)
    html = render(
        "supervisor/agent.html",
        status=status,
        error=error,
        admin=admin.agent_panel(db.session, agent, today),
        done=request.args.get("done"),
        moved=request.args.get("moved", type=int),
        agent=agent,
        trend=trend,
        charts=overview_charts([r["month"] for r in trend], trend, lang)[:2],
        counts=status_counts(db.session, agent, month),
        points=points,
        plain_map=charts.plain_map(points, t("sv.map", lang), lang),
        map_tiles=map_tiles(),
        backlog=backlog,
        **_common(month, scope),
    )
    db.session.commit()  # the rollups it refreshed; after rendering, as a commit expires
    return allow_tiles(html)


@supervisor_page
@page_query(RegionsQuery)
def regions():
    month, scope = chosen_month(), chosen_scope()
    regency = g.query["regency"]
    rows = region_coverage(
        db.session,
        scope,
        month,
        level="district" if regency else "regency",
        parent=regency,
    )
    lang = page_language()
    chart = charts.bar_chart(
        [(r.name, r.active, r.estimate) for r in rows[:30]], t("sv.coverage_chart", lang), lang
    )
    html = render(
        "supervisor/regions.html",
        rows=rows,
        regency=regency,
        chart=chart,
        uploaded=g.query["uploaded"],
        **_common(month, scope),
    )
    db.session.commit()  # the rollups it refreshed; after rendering, as a commit expires
    return html


@supervisor_page
def upload_estimates():
    if not g.scope.is_admin:
        return render("supervisor/forbidden.html", status=403)
    upload = request.files.get("file")
    text = upload.read().decode("utf-8-sig", errors="replace") if upload else ""
    try:
        count = estimates.upload_estimates(
            db.session,
            text,
            source=request.form.get("source", "")[:200],
            by=current_user.id,
        )
    except DomainError as error:
        db.session.rollback()
        return render(
            "supervisor/regions.html",
            status=422,
            rows=[],
            regency=None,
            chart="",
            error=t(error.errors["json"]["file"][0], page_language()),
            **_common(chosen_month(), chosen_scope()),
        )
    db.session.commit()
    return redirect(url_for("supervisor.regions", uploaded=count))


@supervisor_page
@page_query(PageQuery)
def wadah_view(wadah_id):
    month, scope = chosen_month(), chosen_scope()
    wadah = scope.wadah(db.session, wadah_id)
    today = zones.today_of_branch(db.session, wadah.branch_id)
    active_agents = admin.active_agent_count(db.session, wadah)
    rows, _ = leaderboard(db.session, scope, month, page=1, page_size=200, wadah_id=wadah.id)
    html = render(
        "supervisor/wadah.html",
        wadah=wadah,
        active_agents=active_agents,
        warnings=admin.wadah_warnings(wadah, active_agents, today),
        done=request.args.get("done"),
        rows=rows,
        fee=wadah_fee(db.session, wadah, month),
        as_of=as_of_day(month, zones.of_user(db.session, current_user)),
        **_common(month, scope),
    )
    db.session.commit()  # the rollups it refreshed; after rendering, as a commit expires
    return html


page_route("/", overview)
page_route("/agents", agents)
page_route("/agents/<agent_code>", agent_detail)
page_route("/regions", regions)
page_route("/regions/estimates", upload_estimates, methods=("POST",))
page_route("/wadah/<int:wadah_id>", wadah_view)

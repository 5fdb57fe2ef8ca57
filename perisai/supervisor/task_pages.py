"""/supervisor/cards, /supervisor/participants, /supervisor/renewals: the supervisor's daily
tasks without the API docs. Thin views over perisai.supervisor.tasks (which calls the cards,
workers and contributions operations). Forms post the session's CSRF token.
Every page that shows participants notes an audited read (`note_read`, written after the view);
a print or a revocation records its events in the change's transaction."""

from __future__ import annotations

from flask import current_app, g, redirect, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from perisai import clock, zones
from perisai.api import pdf_response
from perisai.audit.operations import note_read, record_request
from perisai.cards import render as card_render
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.i18n import t
from perisai.months import Month
from perisai.regions.operations import names_of
from perisai.reports.exports import csv_response, xlsx_response
from perisai.reports.scope import branches
from perisai.supervisor import tasks
from perisai.supervisor.blueprint import page_route
from perisai.supervisor.pages import page_language, page_query, render, supervisor_page
from perisai.supervisor.schemas import CardsQuery, ParticipantsQuery, RenewalsQuery
from perisai.workers.models import status_for


def _scope():
    """The caller's scope for the branch the page asks for (`Scope.within`): an admin who chose
    a branch sees that branch only."""
    branch = g.query.get("branch") if hasattr(g, "query") else None
    return g.scope.within(branch)


def _zone() -> str:
    """The zone of the branch chosen, else the user's own (WIB for an admin without one)."""
    return zones.of_branch(db.session, _scope().chosen_branch_id or g.scope.branch_id)


def _errors_text(error: DomainError) -> str:
    lang = page_language()
    fields = [
        m for location in (error.errors or {}).values() for ms in location.values() for m in ms
    ]
    return " ".join(t(m, lang) for m in fields) or t(error.message, lang)


# --- cards ----------------------------------------------------------------------------------


def _cards_page(status: int = 200, error: str | None = None):
    zone = _zone()
    show = g.query["show"]
    queue, active = tasks.card_queue(
        db.session,
        _scope(),
        kind=None if show == "all" else show,
        page=g.query["page"],
        today=clock.today(zone),
        zone=zone,
    )
    log = tasks.print_log(db.session, _scope())
    if queue.rows or log:  # participants' names: a list read
        note_read("list", "participant")
    return render(
        "supervisor/cards.html",
        status=status,
        queue=queue,
        active=active,
        show=show,
        log=log,
        reasons=tasks.REVOKE_REASONS,
        error=error,
        done=g.query["done"],
        branch_id=g.query["branch"],
    )


@supervisor_page
@page_query(CardsQuery)
def cards_page():
    return _cards_page()


def _chosen_ids() -> list[str]:
    return [value for value in request.form.getlist("worker_ids") if value]


@supervisor_page
@page_query(CardsQuery)
def cards_print():
    """Print (action=print) or preview (action=preview) the ticked participants as A4 sheets."""
    ids = _chosen_ids()
    back = request.form.get("back") == "1"
    try:
        if request.form.get("action") == "preview":
            if not ids:
                raise DomainError("svt.choose_some", {"form": {"worker_ids": ["svt.choose_some"]}})
            faces = tasks.preview_cards(db.session, _scope(), ids)
            db.session.rollback()
            pdf = card_render.render_sheets(faces, with_back=back)
            return pdf_response(pdf, "pratinjau-kartu.pdf")
        printed = tasks.print_batch(db.session, _scope(), ids, user=current_user)
    except (DomainError, ValueError) as refused:
        db.session.rollback()
        if isinstance(refused, ValueError):
            refused = DomainError(
                "field.invalid|UUID", {"form": {"worker_ids": ["field.invalid|UUID"]}}
            )
        return _cards_page(getattr(refused, "status_code", 422), _errors_text(refused))
    record_request(db.session, [("print", "card", p.card.id) for p in printed])
    db.session.commit()
    pdf = card_render.render_sheets(
        [p.face for p in printed],
        with_back=back,
        processes=current_app.config.get("CARD_RENDER_PROCESSES"),
    )
    return pdf_response(pdf, f"kartu-{len(printed)}.pdf")


@supervisor_page
@page_query(CardsQuery)
def cards_revoke():
    try:
        serial = int(request.form.get("serial", ""))
    except ValueError:
        serial = 0
    try:
        tasks.revoke(
            db.session,
            _scope(),
            serial,
            user=current_user,
            reason=request.form.get("reason", ""),
            note=request.form.get("note", "").strip(),
        )
    except DomainError as refused:
        db.session.rollback()
        return _cards_page(refused.status_code, _errors_text(refused))
    record_request(db.session, [("revoke", "card", serial)])
    db.session.commit()
    back = request.form.get("back_to", "")
    if back.startswith("/supervisor/participants/") and "//" not in back:
        return redirect(back)
    return redirect(url_for("supervisor.cards_page", branch=g.query["branch"], done="revoked"))


# --- participants ---------------------------------------------------------------------------


@supervisor_page
@page_query(ParticipantsQuery)
def participants_page():
    return _participants(g.query)


@supervisor_page
@page_query(ParticipantsQuery)
def participants_search():
    """The search form posts here, so that a NIK typed into it never lands in a URL (and so in
    no access log or browser history): a NIK is searched and answered on this page; any other
    search moves to the page's address, which can be paged and linked."""
    sent = {key: request.form.get(key, "").strip() for key in ("q", "status")}
    sent = {key: value for key, value in sent.items() if value}
    try:
        args = {**g.query, **ParticipantsQuery().load(sent)}
    except ValidationError as error:
        return render("supervisor/bad_query.html", status=422, errors=error.messages)
    if not tasks.is_nik(args["q"]):
        return redirect(url_for("supervisor.participants_page", branch=args["branch"], **sent))
    return _participants(args)


def _participants(args):
    try:
        found = tasks.search(
            db.session,
            _scope(),
            q=args["q"],
            status=args["status"],
            page=args["page"],
            today=clock.today(_zone()),
        )
        error, status = None, 200
    except DomainError as refused:
        found, error, status = tasks.PageOf([], 0, 1), _errors_text(refused), 422
    if found.rows:
        note_read("list", "participant")
    return render(
        "supervisor/participants.html",
        status=status,
        found=found,
        q="" if tasks.is_nik(args["q"]) else args["q"] or "",
        status_filter=args["status"],
        villages=names_of(db.session, {w.village_code for w in found.rows}),
        statuses={
            w.id: status_for(w.covered_until, Month.of(clock.today(_zone()))) for w in found.rows
        },
        error=error,
        branch_id=args["branch"],
    )


@supervisor_page
def participant_profile(worker_id):
    worker = g.scope.worker(db.session, worker_id)
    today = zones.today_of_worker(db.session, worker)
    profile = tasks.profile(db.session, worker, today)
    html = render(
        "supervisor/participant.html",
        profile=profile,
        w=worker,
        full_nik=worker.nik if g.scope.sees_full_nik(worker) else None,
        reasons=tasks.REVOKE_REASONS,
    )
    note_read("read", "participant", [worker.id])
    return html


# --- renewals -------------------------------------------------------------------------------

EXPORT_HEADER = (
    "svt.col.agent",
    "svt.col.village_code",
    "svt.col.village",
    "sv.membership_number",
    "sv.name",
    "sv.status",
    "sv.covered_until",
    "svt.col.ends_on",
    "svt.col.days_left",
    "svt.col.months_owed",
)


@supervisor_page
@page_query(RenewalsQuery)
def renewals_page():
    args, scope, today = g.query, _scope(), clock.today(_zone())
    choice = {
        "today": today,
        "agent_id": args["agent"],
        "village": args["village"],
        "due_within_days": args["days"],
    }
    if args["format"]:
        lang = page_language()
        header = [t(token, lang) for token in EXPORT_HEADER]
        rows = list(tasks.renewal_export_rows(db.session, scope, **choice))
        note_read("export", "participant")
        name = f"perpanjangan-{today.isoformat()}.{args['format']}"
        if args["format"] == "csv":
            return csv_response(name, header, rows)
        return xlsx_response(name, t("svt.renewals", lang)[:31], header, rows)
    if scope.every_branch:
        # The follow-up is a branch's work, by agent and village: an admin chooses the branch
        # first (the whole country was hundreds of thousands of rows, 2,000 agents and every
        # village in two drop-downs, over a second to show).
        return render(
            "supervisor/renewals.html",
            found=None,
            agents=[],
            villages=[],
            all_branches=branches(db.session),
            agent_id=None,
            village=None,
            days=args["days"],
            today=today,
            branch_id=None,
        )
    found = tasks.renewals(db.session, scope, page=args["page"], **choice)
    if found.rows:
        note_read("list", "participant")
    return render(
        "supervisor/renewals.html",
        found=found,
        agents=tasks.branch_agents(db.session, scope),
        villages=tasks.branch_villages(db.session, scope),
        all_branches=branches(db.session) if g.scope.is_admin else [],
        agent_id=args["agent"],
        village=args["village"],
        days=args["days"],
        today=today,
        branch_id=args["branch"],
    )


page_route("/cards", cards_page)
page_route("/cards/print", cards_print, methods=("POST",))
page_route("/cards/revoke", cards_revoke, methods=("POST",))
page_route("/participants", participants_page)
page_route("/participants", participants_search, methods=("POST",))
page_route("/participants/<uuid:worker_id>", participant_profile)
page_route("/renewals", renewals_page)

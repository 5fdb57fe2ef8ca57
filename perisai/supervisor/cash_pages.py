"""/supervisor/cash: the agents' cash in hand by age with the blocked agents marked, the queue of
what the bank's statements did not settle by themselves (lines to pair or dismiss, deposits to
confirm or reject, each with a reason), and the statement upload with what it matched.

Thin views over perisai.cash (overview, queue, statements): the operations and request schemas
the API uses. Forms post the session's CSRF token (checked before every write,
perisai.auth.permissions); a refused decision comes back on the page it was taken on, with the
operation's message and status, and nothing stored.
"""

from __future__ import annotations

from flask import g, redirect, request, url_for
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from perisai import zones
from perisai.cash import deposits, overview, queue, statements
from perisai.cash.models import Deposit, SettlementStatement, StatementFormat, StatementLine
from perisai.cash.schemas import DecisionSchema, LineDecisionSchema
from perisai.errors import DomainError, NotFound, field_error
from perisai.extensions import db
from perisai.i18n import t
from perisai.reports.scope import branches
from perisai.supervisor.blueprint import page_route
from perisai.supervisor.pages import page_language, page_query, render, supervisor_page
from perisai.supervisor.schemas import CashQuery, CashQueueQuery

PAGE_SIZE = 50
RECENT_STATEMENTS = 10


def _scope():
    """The caller's scope for the branch the page asks for (an admin's choice of one)."""
    return g.scope.within(g.query["branch"])


def _common(**context) -> dict:
    return {
        "all_branches": branches(db.session) if g.scope.is_admin else [],
        "branch_id": g.query["branch"],
        **context,
    }


def _message(error: DomainError | ValidationError) -> str:
    """A refusal as one sentence of the page's language: the fields' messages, else its own."""
    lang = page_language()
    if isinstance(error, ValidationError):
        found = [m for ms in error.messages.values() for m in ms]
        return " ".join(t(m, lang) for m in found)
    found = [m for where in (error.errors or {}).values() for ms in where.values() for m in ms]
    return " ".join(t(m, lang) for m in found) or t(error.message, lang)


def _page(stmt, page: int):
    """(rows of the page, whether there are more)."""
    rows = db.session.scalars(stmt.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _queue_counts(scope) -> dict:
    today = zones.today_of_branch(db.session, scope.one_branch_id)
    count = select(func.count()).select_from
    return {
        "lines": db.session.scalar(count(queue.unmatched_lines(scope).order_by(None).subquery())),
        "deposits": db.session.scalar(
            count(queue.unconfirmed_deposits(scope, today).order_by(None).subquery())
        ),
    }


# --- the agents' cash -----------------------------------------------------------------------


@supervisor_page
@page_query(CashQuery)
def cash_agents():
    scope, args = _scope(), g.query
    if scope.every_branch and len(scope.branch_ids(db.session)) > 1:
        # an admin chooses the branch first: the whole country's cash is every cash payment
        # ever read (seconds), for a list of every agent nobody pages through
        return render(
            "supervisor/cash_agents.html",
            **_common(rows=None, sort=args["sort"], queue_counts=_queue_counts(scope)),
        )
    rows, total = overview.agents_cash(
        db.session, scope, page=args["page"], page_size=PAGE_SIZE, sort=args["sort"]
    )
    return render(
        "supervisor/cash_agents.html",
        **_common(
            rows=rows,
            total=total,
            page=args["page"],
            pages=(total + PAGE_SIZE - 1) // PAGE_SIZE,
            sort=args["sort"],
            queue_counts=_queue_counts(scope),
        ),
    )


# --- the queue --------------------------------------------------------------------------------


def _waiting_for(lines) -> dict[tuple[int, int], list[Deposit]]:
    """The waiting deposits a line may be paired with: its branch's, of its amount."""
    if not lines:
        return {}
    found = db.session.scalars(
        select(Deposit)
        .options(selectinload(Deposit.agent))
        .where(
            Deposit.state == "recorded",
            Deposit.branch_id.in_({line.branch_id for line in lines}),
            Deposit.amount.in_({line.amount for line in lines}),
        )
        .order_by(Deposit.deposited_on, Deposit.created_at)
    )
    waiting: dict[tuple[int, int], list[Deposit]] = {}
    for deposit in found:
        waiting.setdefault((deposit.branch_id, deposit.amount), []).append(deposit)
    return waiting


def _queue_page(status: int = 200, error: str | None = None):
    scope, args = _scope(), g.query
    today = zones.today_of_branch(db.session, scope.one_branch_id)
    lines, more_lines = _page(queue.unmatched_lines(scope), args["page"])
    waiting_deposits = queue.unconfirmed_deposits(scope, today).options(selectinload(Deposit.agent))
    held, more_deposits = _page(waiting_deposits, args["deposits_page"])
    return render(
        "supervisor/cash_queue.html",
        status=status,
        **_common(
            lines=lines,
            more_lines=more_lines,
            waiting=_waiting_for(lines),
            deposits=held,
            more_deposits=more_deposits,
            page=args["page"],
            deposits_page=args["deposits_page"],
            error=error,
            done=args["done"],
            back="queue",
        ),
    )


@supervisor_page
@page_query(CashQueueQuery)
def cash_queue():
    return _queue_page()


def _back(error_status: int | None = None, error: str | None = None, done: str | None = None):
    """Where a decision was taken: the queue, or the statement page (`back` = its id)."""
    back = request.form.get("back", "")
    if error_status is not None:
        if back.isdigit():
            return _statement_page(int(back), error_status, error)
        return _queue_page(error_status, error)
    branch = g.query["branch"]
    if back.isdigit():
        return redirect(
            url_for("supervisor.cash_statement", statement_id=int(back), done=done, branch=branch)
        )
    return redirect(url_for("supervisor.cash_queue", done=done, branch=branch))


def _decision(schema_class) -> dict | ValidationError:
    sent = {key: request.form.get(key, "").strip() for key in schema_class().fields}
    try:
        return schema_class().load({key: value for key, value in sent.items() if value})
    except ValidationError as error:
        return error


@supervisor_page
@page_query(CashQueueQuery)
def cash_resolve_line(line_id):
    scope = _scope()
    line = queue.line_or_404(db.session, scope, line_id)
    body = _decision(LineDecisionSchema)
    if isinstance(body, ValidationError):
        return _back(422, _message(body))
    pairing = body["decision"] == "pair" and body["deposit_id"] is not None
    deposit = deposits.deposit_or_404(db.session, scope, body["deposit_id"]) if pairing else None
    try:
        queue.resolve_line(
            db.session,
            line=line,
            decision=body["decision"],
            note=body["note"],
            user=current_user,
            deposit=deposit,
        )
    except DomainError as refused:
        db.session.rollback()
        return _back(refused.status_code, _message(refused))
    db.session.commit()
    return _back(done="paired" if body["decision"] == "pair" else "dismissed")


@supervisor_page
@page_query(CashQueueQuery)
def cash_resolve_deposit(deposit_id):
    deposit = deposits.deposit_or_404(db.session, _scope(), deposit_id)
    body = _decision(DecisionSchema)
    if isinstance(body, ValidationError):
        return _back(422, _message(body))
    try:
        queue.resolve_deposit(
            db.session,
            deposit=deposit,
            decision=body["decision"],
            note=body["note"],
            user=current_user,
        )
    except DomainError as refused:
        db.session.rollback()
        return _back(refused.status_code, _message(refused))
    db.session.commit()
    return _back(done="confirmed" if body["decision"] == "confirm" else "rejected")


# --- statements -----------------------------------------------------------------------------


def _statements_page(status: int = 200, error: str | None = None):
    scope = _scope()
    recent = db.session.scalars(
        select(SettlementStatement)
        .where(scope.branches(SettlementStatement.branch_id))
        .order_by(SettlementStatement.uploaded_at.desc(), SettlementStatement.id.desc())
        .limit(RECENT_STATEMENTS)
    ).all()
    formats = db.session.scalars(select(StatementFormat).order_by(StatementFormat.id)).all()
    return render(
        "supervisor/cash_statements.html",
        status=status,
        **_common(recent=recent, formats=formats, error=error, chosen=request.form),
    )


@supervisor_page
@page_query(CashQueueQuery)
def cash_statements():
    return _statements_page()


def _statement_branch(scope) -> int:
    """The branch whose deposits the statement settles: a supervisor's own; an admin's choice
    (the form's, else the page's), or the only branch there is."""
    if not g.scope.is_admin:
        return scope.one_branch_id
    chosen = request.form.get("branch", "")
    if chosen.isdigit() and g.scope.allows_branch(int(chosen)):
        return int(chosen)
    ids = scope.branch_ids(db.session)
    if len(ids) != 1:
        raise field_error("branch", "cash.branch_required", location="form")
    return ids[0]


@supervisor_page
@page_query(CashQueueQuery)
def cash_statement_upload():
    scope = _scope()
    upload = request.files.get("file")
    try:
        branch_id = _statement_branch(scope)
        if upload is None or not upload.filename:
            raise field_error("file", "cash.statement_empty", location="files")
        fmt = statements.statement_format(db.session, request.form.get("format"))
        result = statements.upload_statement(
            db.session,
            branch_id=branch_id,
            content=upload.read(),
            filename=upload.filename,
            fmt=fmt,
            uploaded_by=current_user,
        )
    except DomainError as refused:
        db.session.rollback()
        return _statements_page(refused.status_code, _message(refused))
    statement_id = result.statement.id
    db.session.commit()
    done = "uploaded" if result.created else "again"
    branch = g.query["branch"]
    return redirect(
        url_for("supervisor.cash_statement", statement_id=statement_id, done=done, branch=branch)
    )


def _statement_page(statement_id: int, status: int = 200, error: str | None = None):
    statement = db.session.get(SettlementStatement, statement_id)
    if statement is None or not g.scope.allows_branch(statement.branch_id):
        raise NotFound()
    counts = dict(
        db.session.execute(
            select(StatementLine.state, func.count())
            .where(StatementLine.statement_id == statement.id)
            .group_by(StatementLine.state)
        ).all()
    )
    scope = g.scope.within(statement.branch_id)
    stmt = queue.unmatched_lines(scope).where(StatementLine.statement_id == statement.id)
    lines, more_lines = _page(stmt, g.query["page"])
    return render(
        "supervisor/cash_statement.html",
        status=status,
        **_common(
            statement=statement,
            counts=counts,
            lines=lines,
            more_lines=more_lines,
            waiting=_waiting_for(lines),
            page=g.query["page"],
            error=error,
            done=g.query["done"],
            back=str(statement.id),
        ),
    )


@supervisor_page
@page_query(CashQueueQuery)
def cash_statement(statement_id):
    return _statement_page(statement_id)


page_route("/cash", cash_agents)
page_route("/cash/queue", cash_queue)
page_route("/cash/lines/<int:line_id>/resolve", cash_resolve_line, methods=("POST",))
page_route("/cash/deposits/<uuid:deposit_id>/resolve", cash_resolve_deposit, methods=("POST",))
page_route("/cash/statements", cash_statements)
page_route("/cash/statements", cash_statement_upload, methods=("POST",))
page_route("/cash/statements/<int:statement_id>", cash_statement)

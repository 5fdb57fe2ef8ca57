"""/supervisor/payments/pending: late-recorded payments a supervisor approves or rejects.

Thin views over perisai.contributions.approvals, the same operations the API uses. The forms
post the session's CSRF token (checked before every write, perisai.auth.permissions).
"""

from __future__ import annotations

from flask import g, redirect, request, url_for
from flask_login import current_user
from marshmallow import ValidationError

from perisai import zones
from perisai.audit.operations import note_read
from perisai.contributions import approvals
from perisai.contributions.late import late_rule_for, max_days_late
from perisai.contributions.schemas import ApproveSchema, RejectSchema
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.i18n import t
from perisai.supervisor.blueprint import page_route
from perisai.supervisor.pages import page_language, page_query, render, supervisor_page
from perisai.supervisor.schemas import PendingPaymentsQuery
from perisai.workers.models import Worker

PAGE_SIZE = 50


def _rows(page: int):
    stmt = approvals.payments_in_state(g.scope).limit(PAGE_SIZE + 1)
    payments = db.session.scalars(stmt.offset((page - 1) * PAGE_SIZE)).all()
    workers = {
        w.id: w
        for w in db.session.scalars(
            db.select(Worker).where(Worker.id.in_({p.worker_id for p in payments}))
        )
    }
    return [(p, workers[p.worker_id]) for p in payments[:PAGE_SIZE]], len(payments) > PAGE_SIZE


def _list(status: int = 200, error: str | None = None, query: dict | None = None):
    """The list (first page after a refused decision, whose form sends no query string)."""
    query = query or {"page": 1, "done": None}
    rows, more = _rows(query["page"])
    rule = late_rule_for(db.session, zones.today_of_user(db.session, current_user))
    if rows:  # payments with their participants' names: a list read
        note_read("list", "payment")
    return render(
        "supervisor/approvals.html",
        status=status,
        rows=rows,
        page=query["page"],
        more=more,
        error=error,
        done=query["done"],
        max_days=max_days_late(rule),
    )


@supervisor_page
@page_query(PendingPaymentsQuery)
def pending_payments():
    return _list(query=g.query)


def _decide(payment_id, approve: bool):
    payment = approvals.decidable_payment(db.session, g.scope, payment_id)
    schema, decide = (
        (ApproveSchema(), approvals.approve_payment)
        if approve
        else (RejectSchema(), approvals.reject_payment)
    )
    try:  # the note as the API takes it: one copy of its rules
        note = schema.load({"note": request.form.get("note", "").strip()})["note"]
    except ValidationError as error:
        return _list(422, t(error.messages["note"][0], page_language()))
    try:
        decide(db.session, payment=payment, by=current_user, note=note, via="page")
    except DomainError as error:
        db.session.rollback()
        return _list(error.status_code, t(error.message, page_language()))
    db.session.commit()
    done = "approved" if approve else "rejected"
    return redirect(url_for("supervisor.pending_payments", done=done))


@supervisor_page
def approve(payment_id):
    return _decide(payment_id, approve=True)


@supervisor_page
def reject(payment_id):
    return _decide(payment_id, approve=False)


page_route("/payments/pending", pending_payments)
page_route("/payments/<uuid:payment_id>/approve", approve, methods=("POST",))
page_route("/payments/<uuid:payment_id>/reject", reject, methods=("POST",))

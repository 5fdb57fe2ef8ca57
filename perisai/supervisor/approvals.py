"""/supervisor/payments/pending: late-recorded payments a supervisor approves or rejects.

Thin views over perisai.contributions.approvals, the same operations the API uses. The forms
post the session's CSRF token (checked before every write, perisai.auth.permissions).
"""

from __future__ import annotations

import flask
from flask import g, redirect, request, url_for
from flask_login import current_user

from perisai.contributions import approvals
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.i18n import t
from perisai.supervisor.pages import or_404, page_language, render, supervisor_page
from perisai.supervisor.routes import blp
from perisai.workers.models import Worker

PAGE_SIZE = 50
DONE = ("approved", "rejected")


def _page() -> int:
    text = request.args.get("page", "")
    return int(text) if text.isdigit() and 0 < int(text) <= 100_000 else 1


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


def _list(status: int = 200, error: str | None = None):
    page = _page()
    rows, more = _rows(page)
    return render(
        "supervisor/approvals.html",
        status=status,
        rows=rows,
        page=page,
        more=more,
        error=error,
        done=request.args.get("done") if request.args.get("done") in DONE else None,
        max_days=_max_days(),
    )


def _max_days() -> int:
    from perisai.agents import zones
    from perisai.contributions.operations import DEFAULT_MAX_DAYS_LATE, late_rule_for

    rule = late_rule_for(db.session, zones.today_of_user(db.session, current_user))
    return rule.max_days_late if rule is not None else DEFAULT_MAX_DAYS_LATE


@supervisor_page
def pending_payments():
    return _list()


def _decide(payment_id, approve: bool):
    payment = or_404(approvals.decidable_payment(db.session, g.scope, payment_id))
    note = request.form.get("note", "").strip()
    try:
        if approve:
            approvals.approve_payment(
                db.session, payment=payment, by=current_user, note=note[:300], via="page"
            )
        elif len(note) < 3 or len(note) > 300:
            return _list(422, t("field.length|3|300", page_language()))
        else:
            approvals.reject_payment(
                db.session, payment=payment, by=current_user, note=note, via="page"
            )
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


def _route(rule, view, methods=("GET",)):
    flask.Blueprint.add_url_rule(blp, rule, view.__name__, view, methods=list(methods))


_route("/payments/pending", pending_payments)
_route("/payments/<uuid:payment_id>/approve", approve, methods=("POST",))
_route("/payments/<uuid:payment_id>/reject", reject, methods=("POST",))

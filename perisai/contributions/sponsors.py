"""Sponsors (APBN, APBD, APBDes, CSR) paying 3, 6 or 12 months for a list of participants."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai import clock, zones
from perisai.agents.models import Branch
from perisai.auth.permissions import Scope, or_404
from perisai.contributions.models import Payment, PaymentMonth, Sponsor, SponsorPayment
from perisai.contributions.payments import amount_mismatch, check_paid_on, record_payment
from perisai.contributions.quotes import quote_for_worker
from perisai.contributions.rules import RuleBook
from perisai.errors import Conflict, DomainError, ValidationFailed, field_error
from perisai.months import Month
from perisai.workers.models import Worker, status_for


def create_sponsor(session: Session, *, scope: Scope, data: dict) -> Sponsor:
    branch_id = data.pop("branch_id", None)
    if not scope.is_admin:
        branch_id = scope.branch_id
    if branch_id is None or session.get(Branch, branch_id) is None:
        raise field_error("branch_id", "field.required")
    sponsor = Sponsor(branch_id=branch_id, **data)
    session.add(sponsor)
    session.flush()
    return sponsor


def visible_sponsors(scope: Scope):
    """The sponsors of the caller's branch (an admin: every one), by name."""
    return (
        select(Sponsor).where(scope.branches(Sponsor.branch_id)).order_by(Sponsor.name, Sponsor.id)
    )


def visible_sponsor(session: Session, scope: Scope, sponsor_id: int) -> Sponsor:
    """The sponsor, or NotFound whether it is missing or of another branch."""
    sponsor = session.get(Sponsor, sponsor_id)
    return or_404(sponsor, sponsor is not None and scope.allows_branch(sponsor.branch_id))


def _hash(sponsor: Sponsor, data: dict) -> str:
    body = {k: data[k] for k in ("months", "paid_on", "amount")}
    body["worker_ids"] = sorted(str(w) for w in data["worker_ids"])
    body["sponsor_id"] = sponsor.id
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def pay_for_participants(
    session: Session,
    *,
    sponsor: Sponsor,
    data: dict,
    scope: Scope,
    recorded_by=None,
    today: date | None = None,
) -> tuple[SponsorPayment, bool]:
    """One operation, one payment (own rows, own receipt) per participant; all or nothing.

    Raises before anything is kept when one participant fails; the caller must not commit.
    The months are priced with the sponsor's type as the funding source, so an APBN/APBD
    sponsor pays the full price (PP 50/2025 excludes them) and a CSR/APBDes sponsor the
    discounted one.
    """
    fingerprint = _hash(sponsor, data)
    existing = session.get(SponsorPayment, data["id"])
    if existing is not None:
        if existing.request_hash != fingerprint:
            raise Conflict(
                "contributions.id_conflict", {"json": {"id": ["contributions.id_conflict"]}}
            )
        return existing, False
    today = today or clock.latest_today()  # a paid_on after this is in the future everywhere
    check_paid_on(data["paid_on"], today)
    if not sponsor.agreement_start <= data["paid_on"] <= sponsor.agreement_end:
        raise field_error("paid_on", "contributions.sponsor_agreement")
    workers = _load_workers(session, sponsor, scope, data["worker_ids"])
    rules = RuleBook(session)
    quotes = [
        quote_for_worker(
            session,
            w,
            data["months"],
            data["paid_on"],
            funding=sponsor.type,
            rules=rules,
            location="json",
        )
        for w in workers
    ]
    expected = sum(q.total for q in quotes)
    if data["amount"] != expected:
        raise amount_mismatch(expected)
    batch = SponsorPayment(
        id=data["id"],
        sponsor=sponsor,
        months=data["months"],
        paid_on=data["paid_on"],
        amount=expected,
        participants=len(workers),
        request_hash=fingerprint,
        recorded_by_id=getattr(recorded_by, "id", None),
    )
    with session.begin_nested():  # all or nothing, even if the caller commits afterwards
        session.add(batch)
        session.flush()
        for index, (worker, quote) in enumerate(zip(workers, quotes, strict=True)):
            _pay_one(session, batch, index, worker, quote, recorded_by, today, rules)
    return batch, True


def _pay_one(session, batch: SponsorPayment, index: int, worker, quote, recorded_by, today, rules):
    """One participant's payment of the batch; a refusal names the participant's place."""
    body = {
        "id": uuid.uuid5(batch.id, str(worker.id)),
        "months": batch.months,
        "amount": quote.total,
        "paid_on": batch.paid_on,
        "channel": "sponsor",
    }
    try:
        record_payment(
            session,
            worker=worker,
            data=body,
            recorded_by=recorded_by,
            today=today,
            sponsor=batch.sponsor,
            sponsor_payment=batch,
            rules=rules,
        )
    except DomainError as error:
        raise type(error)(
            "contributions.sponsor_failed",
            {"json": {"worker_ids": {str(index): [error.message]}}},
        ) from error


def _load_workers(session, sponsor: Sponsor, scope: Scope, ids: list) -> list[Worker]:
    errors = {}
    seen = set()
    for index, worker_id in enumerate(ids):
        if worker_id in seen:
            errors[str(index)] = ["contributions.sponsor_duplicate"]
        seen.add(worker_id)
    found = {
        w.id: w
        for w in session.scalars(
            select(Worker).where(
                Worker.id.in_(list(seen)),
                Worker.branch_id == sponsor.branch_id,
                scope.workers(),
            )
        )
    }
    for index, worker_id in enumerate(ids):
        if worker_id not in found:
            errors.setdefault(str(index), []).append("contributions.sponsor_worker")
    if errors:
        raise ValidationFailed("contributions.sponsor_failed", {"json": {"worker_ids": errors}})
    return [found[w] for w in ids]


def sponsor_summary(session: Session, sponsor: Sponsor, today: date | None = None) -> dict:
    """What the sponsor paid: operations, participants with their coverage, amounts."""
    month = Month.of(today or zones.today_of_branch(session, sponsor.branch_id))
    batches = session.scalars(
        select(SponsorPayment)
        .where(SponsorPayment.sponsor_id == sponsor.id)
        .order_by(SponsorPayment.paid_on.desc(), SponsorPayment.created_at.desc())
    ).all()
    per_worker = session.execute(
        select(
            PaymentMonth.worker_id,
            func.count(PaymentMonth.id),
            func.sum(PaymentMonth.total),
            func.max(PaymentMonth.month),
        )
        .join(Payment, Payment.id == PaymentMonth.payment_id)
        .where(Payment.sponsor_id == sponsor.id, PaymentMonth.is_reversed.is_(False))
        .group_by(PaymentMonth.worker_id)
    ).all()
    workers = {
        w.id: w
        for w in session.scalars(select(Worker).where(Worker.id.in_([r[0] for r in per_worker])))
    }
    participants = []
    for worker_id, months, amount, last in sorted(
        per_worker, key=lambda r: workers[r[0]].full_name
    ):
        worker = workers[worker_id]
        participants.append(
            {
                "worker_id": str(worker_id),
                "full_name": worker.full_name,
                "membership_number": worker.membership_number,
                "months_paid": months,
                "amount": int(amount),
                "last_sponsored_month": str(last),
                "covered_until": str(worker.covered_until) if worker.covered_until else None,
                "status": status_for(worker.covered_until, month, worker.died_on),
            }
        )
    return {
        "sponsor": sponsor,
        "payments": len(batches),
        "participants": len(participants),
        "months_paid": sum(p["months_paid"] for p in participants),
        "amount": sum(p["amount"] for p in participants),
        "active_participants": sum(1 for p in participants if p["status"] == "active"),
        "operations": [
            {
                "id": str(b.id),
                "paid_on": b.paid_on.isoformat(),
                "months": b.months,
                "participants": b.participants,
                "amount": b.amount,
            }
            for b in batches
        ],
        "participant_list": participants,
    }

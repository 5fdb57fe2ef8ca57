"""The payment JSON of API.md (serialize_payment)."""

from __future__ import annotations

from perisai.contributions.models import Payment


def serialize_payment(payment: Payment) -> dict:
    reversal = payment.reversal
    return {
        "id": str(payment.id),
        "worker_id": str(payment.worker_id),
        "receipt_number": payment.receipt_number,
        "client_reference": payment.client_reference,
        "amount": payment.amount,
        "covers": [str(m) for m in payment.covers],
        "months": [
            {
                "month": str(row.month),
                "jkk": row.jkk,
                "jkm": row.jkm,
                "jht": row.jht,
                "total": row.total,
                "rate_version_id": row.rate_version_id,
                "discount_rule_id": row.discount_rule_id,
            }
            for row in payment.months
        ],
        "paid_on": payment.paid_on.isoformat(),
        "channel": payment.channel,
        "sponsor_id": payment.sponsor_id,
        "reversed": reversal is not None,
        "reversed_at": reversal.created_at.isoformat() if reversal else None,
        "reversal_reason": reversal.reason if reversal else None,
        "state": payment.state,
        "late_rule_id": payment.late_rule_id,
        "decided_at": payment.decided_at.isoformat() if payment.decided_at else None,
        "decision_note": payment.decision_note,
        "created_at": payment.created_at.isoformat() if payment.created_at else None,
    }

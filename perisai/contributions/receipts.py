"""Receipts (tanda bukti penerimaan iuran): an A6 PDF and a short text for WhatsApp/SMS."""

from __future__ import annotations

from flask import render_template

from perisai.agents.models import Agent
from perisai.contributions.models import Payment
from perisai.extensions import db
from perisai.i18n import t
from perisai.money import grouped
from perisai.workers.models import Worker, mask_nik


def _months_label(payment: Payment, lang: str) -> str:
    covers = payment.covers
    if len(covers) == 1:
        return str(covers[0])
    return t(f"receipt.months_range|{covers[0]}|{covers[-1]}|{len(covers)}", lang)


def receipt_context(payment: Payment, worker: Worker, lang: str) -> dict:
    return {
        "lang": lang,
        "label": lambda token: t(token, lang),
        "payment": payment,
        "worker_name": worker.full_name,
        "membership_number": worker.membership_number,
        "nik_masked": mask_nik(worker.nik),
        "months_label": _months_label(payment, lang),
        "rows": [
            {
                "month": str(row.month),
                "jkk": grouped(row.jkk, lang),
                "jkm": grouped(row.jkm, lang),
                "jht": grouped(row.jht, lang),
                "total": grouped(row.total, lang),
            }
            for row in payment.months
        ],
        "total": grouped(payment.amount, lang),
        "channel": t(f"channel.{payment.channel}", lang),
        "agent": _agent_label(payment),
        "sponsor": payment.sponsor.name if payment.sponsor else None,
        "has_jht": payment.has_jht,
    }


def _agent_label(payment: Payment) -> str | None:
    agent = db.session.get(Agent, payment.agent_id) if payment.agent_id else None
    return f"{agent.agent_code} — {agent.full_name}" if agent else None


def receipt_pdf(payment: Payment, worker: Worker, lang: str) -> bytes:
    from weasyprint import HTML

    html = render_template("contributions/receipt.html", **receipt_context(payment, worker, lang))
    return HTML(string=html).write_pdf()


def receipt_text(payment: Payment, worker: Worker, lang: str) -> str:
    """A few short lines that fit a WhatsApp message or two SMS."""
    ctx = receipt_context(payment, worker, lang)
    lines = [
        t("receipt.title", lang),
        f"{t('receipt.number', lang)}: {payment.receipt_number}",
        *(
            [f"{t('receipt.reference', lang)}: {payment.client_reference}"]
            if payment.client_reference
            else []
        ),
        f"{t('receipt.participant', lang)}: {worker.full_name} ({worker.membership_number})",
        f"{t('receipt.covers', lang)}: {ctx['months_label']}",
        f"{t('receipt.total', lang)}: Rp {ctx['total']}",
        f"{t('receipt.paid_on', lang)}: {payment.paid_on.isoformat()} · {ctx['channel']}",
    ]
    if ctx["sponsor"]:
        lines.append(f"{t('receipt.sponsor', lang)}: {ctx['sponsor']}")
    if ctx["agent"]:
        lines.append(f"{t('receipt.agent', lang)}: {ctx['agent']}")
    if payment.is_reversed:
        lines.insert(1, f"*** {t('receipt.reversed', lang)} ***")
    if payment.state in ("pending_approval", "rejected"):
        token = "receipt.pending" if payment.state == "pending_approval" else "receipt.rejected"
        lines.insert(1, f"*** {t(token, lang)} ***")
    return "\n".join(lines) + "\n"

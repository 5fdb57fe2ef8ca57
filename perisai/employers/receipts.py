"""The receipt of an employer's monthly payment (tanda bukti penerimaan iuran): an A6 PDF with
each program's employer and worker shares, the fine and the total."""

from __future__ import annotations

from flask import render_template

from perisai.employers.models import Employer, EmployerPayment
from perisai.i18n import t
from perisai.money import grouped

CHANNEL_LABELS = {
    "bank": "employers.channel_bank",
    "va": "employers.channel_va",
    "counter": "employers.channel_counter",
}


def receipt_rows(payment: EmployerPayment) -> list[tuple[str, int, int]]:
    """(program, employer share, worker share) of each program the payment paid for."""
    rows = [
        ("JKK", payment.jkk, 0),
        ("JKM", payment.jkm, 0),
        ("JHT", payment.jht_employer, payment.jht_worker),
        ("JP", payment.jp_employer, payment.jp_worker),
    ]
    return [row for row in rows if row[1] or row[2]]


def receipt_context(payment: EmployerPayment, employer: Employer, lang: str) -> dict:
    return {
        "lang": lang,
        "label": lambda token: t(token, lang),
        "payment": payment,
        "employer": employer,
        "rows": [
            {
                "program": program,
                "employer": grouped(mine, lang),
                "worker": grouped(theirs, lang),
                "total": grouped(mine + theirs, lang),
            }
            for program, mine, theirs in receipt_rows(payment)
        ],
        "contribution": grouped(payment.contribution, lang),
        "fine": grouped(payment.fine, lang),
        "total": grouped(payment.amount, lang),
        "channel": t(CHANNEL_LABELS[payment.channel], lang),
    }


def receipt_pdf(payment: EmployerPayment, employer: Employer, lang: str) -> bytes:
    from weasyprint import HTML

    context = receipt_context(payment, employer, lang)
    return HTML(string=render_template("employers/receipt.html", **context)).write_pdf()

"""Statement PDFs (WeasyPrint): an agent's month line by line, and a Wadah's month."""

from __future__ import annotations

import functools
import os
from decimal import Decimal

import jinja2
from babel.numbers import format_decimal

from perisai.commissions.estimates import AgentMonth
from perisai.commissions.statements import WadahMonth
from perisai.i18n import t
from perisai.money import rupiah

HERE = os.path.dirname(__file__)


def percent(bp: int | None, lang: str) -> str:
    """Basis points as a rate: 250 → "2,5 %" (id) / "2.5 %" (en)."""
    if bp is None:
        return ""
    # display only; the money is computed in integers
    return format_decimal(Decimal(bp) / 100, "#,##0.##", locale=lang) + " %"


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(HERE, "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(template: str, lang: str, **context) -> bytes:
    from weasyprint import HTML

    html = (
        _environment()
        .get_template(template)
        .render(
            lang=lang,
            label=lambda token: t(token, lang),
            money=lambda amount: rupiah(amount, lang),
            percent=lambda bp: percent(bp, lang),
            **context,
        )
    )
    return HTML(string=html, base_url=HERE).write_pdf()


def statement_pdf(
    item: AgentMonth, lines: list[dict], minimum: int, lang: str, released: list[dict] = ()
) -> bytes:
    return _render(
        "commissions/statement.html",
        lang,
        item=item,
        f=item.figures,
        s=item.statement,
        lines=lines,
        released=list(released),
        minimum=minimum,
    )


def wadah_statement_pdf(item: WadahMonth, lines: dict[int, list[dict]], lang: str) -> bytes:
    return _render("commissions/wadah_statement.html", lang, item=item, lines_by_agent=lines)

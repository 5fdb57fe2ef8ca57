"""Money as the product writes it: whole rupiah grouped the Indonesian or English way (Babel)."""

from __future__ import annotations

from babel.numbers import format_decimal


def rupiah(amount: int, lang: str = "id") -> str:
    """36800 → '36.800' (id) or '36,800' (en)."""
    return format_decimal(amount, locale=lang)

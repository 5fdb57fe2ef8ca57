"""Money in whole rupiah: grouped the Indonesian or English way (Babel), and a share of an
amount in basis points rounded half up (contributions and commissions alike, no floats)."""

from __future__ import annotations

from babel.numbers import format_decimal

BASIS_POINTS = 10_000  # basis points in 100 %


def round_half_up(numerator: int, denominator: int = BASIS_POINTS) -> int:
    """numerator / denominator to the nearest integer, halves away from zero; no floats."""
    if numerator < 0:
        return -round_half_up(-numerator, denominator)
    return (2 * numerator + denominator) // (2 * denominator)


def grouped(amount: int, lang: str = "id") -> str:
    """36800 → '36.800' (id) or '36,800' (en): the figure alone (receipt columns, messages)."""
    return format_decimal(amount, locale=lang)


def rupiah(amount: int, lang: str = "id") -> str:
    """-36800 → '-Rp 36.800' (id) / '-Rp 36,800' (en): an amount with its currency."""
    return ("-" if amount < 0 else "") + "Rp " + grouped(abs(int(amount)), lang)

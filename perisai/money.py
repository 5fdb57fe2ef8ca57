"""Money as the product writes it: whole rupiah grouped the Indonesian or English way."""

from __future__ import annotations


def rupiah(amount: int, lang: str = "id") -> str:
    """36800 → '36.800' (id) or '36,800' (en)."""
    text = f"{amount:,}"
    return text.replace(",", ".") if lang == "id" else text

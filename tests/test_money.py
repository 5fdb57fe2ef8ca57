"""Money: integer rupiah written the Indonesian or English way, and rounding half up."""

from __future__ import annotations

import pytest

from perisai import money
from perisai.supervisor import formats


@pytest.mark.parametrize(
    ("amount", "lang", "written"),
    [
        (36800, "id", "Rp 36.800"),
        (36800, "en", "Rp 36,800"),
        (-36800, "id", "-Rp 36.800"),
        (0, "en", "Rp 0"),
        (1234567, "id", "Rp 1.234.567"),
    ],
)
def test_one_way_to_write_an_amount_on_pages_and_statements(amount, lang, written):
    assert money.rupiah(amount, lang) == written
    assert formats.rupiah(amount, lang) == written


def test_the_figure_alone_has_no_currency():
    assert money.grouped(1234567, "id") == "1.234.567"
    assert money.grouped(1234567, "en") == "1,234,567"


@pytest.mark.parametrize(
    ("numerator", "denominator", "rounded"),
    [(15, 10, 2), (14, 10, 1), (-15, 10, -2), (-14, 10, -1), (5000, 10_000, 1), (4999, 10_000, 0)],
)
def test_halves_round_away_from_zero(numerator, denominator, rounded):
    assert money.round_half_up(numerator, denominator) == rounded

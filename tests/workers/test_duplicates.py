"""Likely duplicates: names compared by cydifflib make the decisions difflib makes."""

from __future__ import annotations

import difflib

from hypothesis import given, settings
from hypothesis import strategies as st

from perisai.workers.duplicates import SIMILAR_NAMES, similar_names
from tests.factories import worker_payload

# Few letters make long matches, ties and repeats, where Ratcliff/Obershelp's choices show.
_LETTERS = st.sampled_from(["ab", "abc", "aeiou nmk", "siti aminah", "AbÇé ü-'."])


def _difflib_says(name: str, other: str) -> bool:
    return difflib.SequenceMatcher(None, name, other).ratio() >= SIMILAR_NAMES


@settings(max_examples=1500)
@given(_LETTERS.flatmap(lambda letters: st.tuples(*[st.text(letters, max_size=40)] * 2)))
def test_similar_names_decides_as_difflib(pair):
    name, other = pair
    assert similar_names(name, other) == _difflib_says(name, other)


@settings(max_examples=60)
@given(st.text("ab ", min_size=190, max_size=260), st.text("ab ", min_size=190, max_size=260))
def test_similar_names_decides_as_difflib_for_long_names(name, other):
    """From 200 characters on difflib ignores popular letters of the second name (autojunk)."""
    assert similar_names(name, other) == _difflib_says(name, other)


def test_names_one_letter_apart_are_similar_and_others_are_not():
    assert similar_names("muhammad rizki", "muhamad rizky")
    assert similar_names("siti aminah", "siti aminnah")
    assert similar_names("", "")  # difflib: the ratio of two empty names is 1
    assert not similar_names("agus salim", "agus salimah binti ahmad")  # lengths alone
    assert not similar_names("siti aminah", "agus salim")


def test_one_letter_apart_same_birth_date_and_village_is_a_warning(as_agent, org):
    as_agent.post("/api/v1/workers", json=worker_payload(full_name="Siti Aminah"))
    typed_again = as_agent.post("/api/v1/workers", json=worker_payload(full_name="Siti Aminnah"))
    assert [w["code"] for w in typed_again.get_json()["warnings"]] == ["possible_duplicate"]
    other = as_agent.post("/api/v1/workers", json=worker_payload(full_name="Agus Salim"))
    assert other.get_json()["warnings"] == []

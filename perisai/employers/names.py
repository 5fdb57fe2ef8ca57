"""Business names as they are compared: an agent writes "Maju Jaya", a labour office
"PT. MAJU JAYA" or "Maju Jaya, CV". `name_key` drops case, punctuation and the legal forms of
Indonesian businesses, so these are one key; `name_similarity` scores two keys as difflib does
(perisai.workers.duplicates.similar_names is the same measure with its threshold)."""

from __future__ import annotations

import re
import unicodedata

from cydifflib import SequenceMatcher

# Legal forms and their abbreviations, dropped wherever they stand in a name.
LEGAL_FORMS = frozenset(
    {
        "pt",
        "cv",
        "ud",
        "pd",
        "fa",
        "firma",
        "tbk",
        "persero",
        "perum",
        "koperasi",
        "kop",
        "ksp",
        "yayasan",
    }
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def name_key(name: str) -> str:
    """'PT. Maju-Jaya Abadi, Tbk' → 'maju jaya abadi'; a name of legal forms alone keeps them."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = [w for w in _NOT_WORD.split(plain) if w]
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)[:160]


def name_similarity(key: str, other: str) -> float:
    """difflib's ratio of two name keys (0 … 1); names whose lengths alone tell them apart
    score their bound (2 × shorter / both lengths) without being compared."""
    total = len(key) + len(other)
    if not total:
        return 1.0
    bound = 2.0 * min(len(key), len(other)) / total
    if bound < SIMILAR:
        return bound
    return SequenceMatcher(None, key, other).ratio()


SIMILAR = 0.85  # from this ratio two names are likely the same business (as for participants)


def similarity_to(matcher: SequenceMatcher, key: str, other: str) -> float:
    """name_similarity(other, key) with a matcher set up once for `key` (its second sequence,
    whose index difflib builds): comparing one name with many builds that index once."""
    total = len(key) + len(other)
    bound = 2.0 * min(len(key), len(other)) / total if total else 1.0
    if bound < SIMILAR:
        return bound
    matcher.set_seq1(other)
    return matcher.ratio()


def words(key: str) -> set[str]:
    """The words of a key that tell businesses apart (two letters or more)."""
    return {w for w in key.split() if len(w) > 1}

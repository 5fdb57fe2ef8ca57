"""Matching the labour office's rows to the branch's registered employers.

- By identifier, at once: our registration number, the NIB or the NPWP a row gives is the
  employer holding it (`matched`).
- Else by name within the row's regency, only proposed (`proposed`, a supervisor confirms or
  rejects): the registered employer whose name key is most similar, from difflib's ratio 0.85
  on (perisai.employers.names). Candidates are the employers of the regency that share a word
  of the name, so a 100,000-row list is not compared with every employer of its regency.
- Else `unmatched`.

The branch's employers are read once, in one query, for a whole list (`EmployerIndex`).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.employers.models import Employer
from perisai.employers.names import SIMILAR, name_similarity, words

METHODS_BY_LENGTH = {11: "registration_number", 13: "nib", 16: "npwp"}
COMMON_WORD = 400  # a word this many employers of a regency share says little on its own


@dataclass(frozen=True)
class Match:
    state: str
    method: str | None = None
    employer_id: uuid.UUID | None = None
    proposed_employer_id: uuid.UUID | None = None
    score: int | None = None


UNMATCHED = Match("unmatched")


class EmployerIndex:
    """The branch's employers by identifier and, per regency, by the words of their names."""

    def __init__(self, session: Session, branch_id: int):
        self.by_identifier: dict[str, uuid.UUID] = {}
        self.by_word: dict[tuple[str, str], list[tuple[uuid.UUID, str]]] = defaultdict(list)
        self.keys: dict[tuple[str, str], uuid.UUID] = {}
        stmt = (
            select(
                Employer.id,
                Employer.registration_number,
                Employer.nib,
                Employer.npwp,
                Employer.name_key,
                Employer.regency_code,
            )
            .where(Employer.branch_id == branch_id)
            .order_by(Employer.created_at, Employer.id)
        )
        for employer_id, number, nib, npwp, key, regency in session.execute(stmt):
            for identifier in (number, nib, npwp):
                if identifier:
                    self.by_identifier[identifier] = employer_id
            self.keys.setdefault((regency, key), employer_id)
            for word in words(key) or {key}:
                self.by_word[regency, word].append((employer_id, key))

    def match(self, identifiers: list[str], key: str, regency: str) -> Match:
        for identifier in identifiers:
            if (found := self.by_identifier.get(identifier)) is not None:
                return Match("matched", METHODS_BY_LENGTH[len(identifier)], employer_id=found)
        return self.by_name(key, regency)

    def by_name(self, key: str, regency: str) -> Match:
        if (same := self.keys.get((regency, key))) is not None:
            return Match("proposed", "name", proposed_employer_id=same, score=100)
        lists = [self.by_word.get((regency, word), ()) for word in words(key) or {key}]
        rare = [found for found in lists if 0 < len(found) < COMMON_WORD]
        candidates = {employer_id: other for found in rare or lists for employer_id, other in found}
        best, best_score = None, 0.0
        for employer_id, other in candidates.items():
            score = name_similarity(key, other)
            if score >= SIMILAR and score > best_score:  # ties: the first registered
                best, best_score = employer_id, score
        if best is None:
            return UNMATCHED
        return Match("proposed", "name", proposed_employer_id=best, score=int(best_score * 100))

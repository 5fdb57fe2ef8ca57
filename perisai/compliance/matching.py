"""Matching the labour office's rows to the branch's registered employers.

- By identifier, at once: our registration number, the NIB or the NPWP a row gives is the
  employer holding it (`matched`).
- Else by name within the row's regency, only proposed (`proposed`, a supervisor confirms or
  rejects): the registered employer whose name key is most similar, from difflib's ratio 0.85
  on (perisai.employers.names). Compared in full are the few employers of the regency (8) that
  share most of the name's rarer words, nearest in length first, so a 100,000-row list is not
  compared with every employer of its regency; a name that shares no word with a registered
  one (two typos in a two-word name) is not proposed, which a supervisor finds as a gap.
- Else `unmatched`.

The branch's employers are read once, in one query, for a whole list (`EmployerIndex`).
"""

from __future__ import annotations

import heapq
import uuid
from collections import defaultdict
from dataclasses import dataclass

from cydifflib import SequenceMatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.employers.models import Employer
from perisai.employers.names import SIMILAR, similarity_to, words

METHODS_BY_LENGTH = {11: "registration_number", 13: "nib", 16: "npwp"}
COMMON_WORD = 50  # a word more employers of a regency share (and 5 % of them) says little
COMPARED = 8  # the employers sharing most of a name's rare words that are compared in full


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
        self.sizes: dict[str, int] = defaultdict(int)
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
            self.sizes[regency] += 1
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
        found = [self.by_word.get((regency, word), ()) for word in words(key) or {key}]
        found = sorted((postings for postings in found if postings), key=len)
        if not found:
            return UNMATCHED
        # Words most employers of the regency share ("toko", "jaya") are left out while the
        # name has rarer ones; the few employers sharing most of those are compared in full.
        common = max(COMMON_WORD, self.sizes[regency] // 20)
        rare = [postings for postings in found if len(postings) <= common] or found[:1]
        shared: dict[uuid.UUID, list] = {}
        for postings in rare:
            for employer_id, other in postings:
                entry = shared.get(employer_id)
                if entry is None:
                    shared[employer_id] = [1, other]
                else:
                    entry[0] += 1
        nearest = heapq.nsmallest(
            COMPARED,
            shared.items(),
            key=lambda item: (-item[1][0], abs(len(item[1][1]) - len(key))),
        )
        matcher = SequenceMatcher(None, "", key)
        best, best_score = None, 0.0
        for employer_id, (_, other) in nearest:
            score = similarity_to(matcher, key, other)
            if score >= SIMILAR and score > best_score:
                best, best_score = employer_id, score
        if best is None:
            return UNMATCHED
        return Match("proposed", "name", proposed_employer_id=best, score=int(best_score * 100))

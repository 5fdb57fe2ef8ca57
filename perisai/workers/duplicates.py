"""Likely duplicates of a registration: same birth date and phone, or a similar name in the
same village; DuplicatePool reads them for a whole batch at once.

Names are similar when difflib's ratio (Ratcliff/Obershelp) is at least 0.85, computed by
cydifflib, a compiled copy of difflib's SequenceMatcher with the same results (tests/workers/
test_duplicates.py compares the two): a 50,000-row import compares a million pairs of names.
"""

from __future__ import annotations

from datetime import date

from cydifflib import SequenceMatcher
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from perisai.auth.permissions import Scope
from perisai.workers.models import Worker
from perisai.workers.validation import normalise_phone

_DUPLICATE_COLUMNS = (
    Worker.full_name,
    Worker.phone,
    Worker.membership_number,
    Worker.registered_by_id,
    Worker.managed_by_id,
    Worker.branch_id,
    Worker.birth_date,
    Worker.village_code,
)
_MAX_CANDIDATES = 50
SIMILAR_NAMES = 0.85  # difflib's ratio from which two names (casefolded) are very similar


def _same_day_and_phone_or_village(birth_dates, phones, villages):
    return and_(
        Worker.birth_date.in_(birth_dates),
        or_(Worker.phone.in_(phones), Worker.village_code.in_(villages)),
    )


class DuplicatePool:
    """Every participant a batch of registrations could duplicate, read in one query: born on
    one of the batch's birth dates, with one of its phones or in one of its villages. Those the
    batch registers are added as it goes. (One registered elsewhere after the read is missed:
    a warning lost, never a duplicate NIK, which the unique key refuses.)

    Also which of the batch's NIKs are registered already, so that such a registration is
    refused before its insert clashes (a clash sends a whole sync batch the slow way)."""

    def __init__(self, session: Session, bodies: list[dict]):
        niks = {str(body.get("nik", "")).strip() for body in bodies}
        self.niks_taken = set(session.scalars(select(Worker.nik).where(Worker.nik.in_(niks))))
        births, phones, villages = set(), set(), set()
        for body in bodies:
            try:
                births.add(date.fromisoformat(str(body.get("birth_date"))))
            except ValueError:
                continue
            phones.add(normalise_phone(str(body.get("phone", ""))))
            villages.add(str(body.get("village_code", "")))
        phones.discard(None)
        # (birth date, phone) and (birth date, village) → [(order added, row)]: a registration's
        # candidates are two look-ups, not a pass over everyone born on its day
        self._by_phone: dict[tuple, list] = {}
        self._by_village: dict[tuple, list] = {}
        self._added = 0
        if births:
            where = _same_day_and_phone_or_village(births, phones, villages)
            add = self.add
            for row in session.execute(select(*_DUPLICATE_COLUMNS).where(where)):
                add(row)

    def candidates(self, values: dict) -> list:
        """The first _MAX_CANDIDATES in the order added of those born on the registration's
        day with its phone or in its village."""
        day = values["birth_date"]
        by_phone = self._by_phone.get((day, values["phone"]), ())
        by_village = self._by_village.get((day, values["village_code"]), ())
        if not (by_phone and by_village):  # one list (the usual case), in the order added
            return [row for _, row in (by_phone or by_village)[:_MAX_CANDIDATES]]
        found = dict(by_phone)
        found.update(by_village)
        return [found[order] for order in sorted(found)[:_MAX_CANDIDATES]]

    def add(self, worker) -> None:
        self._added += 1
        entry = (self._added, worker)
        self._by_phone.setdefault((worker.birth_date, worker.phone), []).append(entry)
        self._by_village.setdefault((worker.birth_date, worker.village_code), []).append(entry)


def likely_duplicates(
    session: Session, values: dict, scope: Scope, pool: DuplicatePool | None = None
) -> list[dict]:
    """Same phone + birth date, or a very similar name + birth date in the same village."""
    if pool is not None:
        candidates = pool.candidates(values)
    else:
        where = _same_day_and_phone_or_village(
            [values["birth_date"]], [values["phone"]], [values["village_code"]]
        )
        stmt = select(*_DUPLICATE_COLUMNS).where(where).limit(_MAX_CANDIDATES)
        candidates = session.execute(stmt).all()
    name, phone = values["full_name"].casefold(), values["phone"]
    warnings = []
    for other in candidates:
        if other.phone == phone or similar_names(name, other.full_name.casefold()):
            visible = scope.sees_worker(other)
            warnings.append(
                {
                    "code": "possible_duplicate",
                    "message": "workers.possible_duplicate",
                    "membership_number": other.membership_number if visible else None,
                }
            )
    return warnings


def similar_names(name: str, other: str) -> bool:
    """difflib.SequenceMatcher(None, name, other).ratio() >= SIMILAR_NAMES. Names whose lengths
    alone tell them apart are not compared: the ratio is at most real_quick_ratio's bound,
    2 × the shorter length / both lengths (the same float expression)."""
    total = len(name) + len(other)
    if total and 2.0 * min(len(name), len(other)) / total < SIMILAR_NAMES:
        return False
    return SequenceMatcher(None, name, other).ratio() >= SIMILAR_NAMES

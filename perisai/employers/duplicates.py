"""Duplicate employers: the same NIB or NPWP is the same business (409, refused), a very
similar name in the same village probably is (a warning; the agent decides).

A refused registration tells a caller who may see the existing employer its id and
registration number; anyone else learns only that the business is registered and which
branch office to ask (the caller's own), as for a participant's NIK."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from perisai.agents.models import Branch
from perisai.auth.permissions import Scope
from perisai.employers.access import sees_employer
from perisai.employers.models import Employer
from perisai.employers.names import SIMILAR, name_similarity
from perisai.errors import Conflict

_MAX_CANDIDATES = 200  # businesses of one village compared by name


def raise_if_identifiers_taken(
    session: Session, scope: Scope, nib: str | None, npwp: str | None
) -> None:
    """409 when another employer holds this NIB or NPWP, naming each field that clashes."""
    wanted = [Employer.nib == nib] if nib else []
    wanted += [Employer.npwp == npwp] if npwp else []
    if not wanted:
        return
    taken = session.scalars(select(Employer).where(or_(*wanted))).all()
    if not taken:
        return
    errors = {}
    for existing in taken:
        if nib and existing.nib == nib:
            errors["nib"] = ["employers.nib_taken"]
        if npwp and existing.npwp == npwp:
            errors["npwp"] = ["employers.npwp_taken"]
    existing = taken[0]
    message = "employers.taken"
    if sees_employer(scope, existing):
        extra = {
            "existing_visible": True,
            "employer_id": str(existing.id),
            "registration_number": existing.registration_number,
        }
    else:
        branch = session.get(Branch, scope.branch_id) if scope.branch_id is not None else None
        extra = {"existing_visible": False}
        if branch is not None:
            extra["ask_branch"] = branch.name
            message = f"employers.taken_elsewhere|{branch.name.replace('|', '/')}"
    raise Conflict(message, {"json": errors}, extra=extra)


def likely_duplicates(session: Session, scope: Scope, key: str, village_code: str) -> list[dict]:
    """A warning per employer of the village whose name is very similar (the registration
    number only where the caller may see that employer)."""
    stmt = (
        select(Employer)
        .where(Employer.village_code == village_code)
        .order_by(Employer.created_at)
        .limit(_MAX_CANDIDATES)
    )
    warnings = []
    for other in session.scalars(stmt):
        if name_similarity(key, other.name_key) >= SIMILAR:
            visible = sees_employer(scope, other)
            warnings.append(
                {
                    "code": "possible_duplicate",
                    "message": "employers.possible_duplicate",
                    "registration_number": other.registration_number if visible else None,
                }
            )
    return warnings

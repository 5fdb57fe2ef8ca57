"""Who sees which employer: the participants' rule (perisai.auth.permissions.Scope) applied to
employers. An agent sees those it registered or manages, a supervisor its branch's, an admin
every one (or the branch it chose); anything else is the same 404 as an unknown id."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from perisai.auth.permissions import Scope, or_404
from perisai.employers.models import Employer
from perisai.errors import NotFound


def visible(scope: Scope) -> ColumnElement[bool]:
    """The where-clause of every employer list."""
    return scope.where(
        branch=Employer.branch_id, agents=(Employer.registered_by_id, Employer.managed_by_id)
    )


def sees_employer(scope: Scope, employer: Employer) -> bool:
    agents = (employer.registered_by_id, employer.managed_by_id)
    return scope.sees(branch_id=employer.branch_id, agent_ids=agents)


def employer_or_404(session: Session, scope: Scope, employer_id) -> Employer:
    """The employer, or NotFound whether it is missing or outside the scope."""
    try:
        key = uuid.UUID(str(employer_id))
    except ValueError:
        raise NotFound() from None
    employer = session.get(Employer, key)
    return or_404(employer, employer is not None and sees_employer(scope, employer))


def sees_full_nik(scope: Scope, employer: Employer) -> bool:
    """An agent sees the full NIK of the workers of employers it registered; others as they
    see the employer (as for participants)."""
    if scope.role == "agent":
        return scope.agent_id is not None and employer.registered_by_id == scope.agent_id
    return sees_employer(scope, employer)

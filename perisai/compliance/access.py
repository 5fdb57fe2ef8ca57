"""Who sees the labour office's lists: supervisors of the list's branch and admins (routes admit
no other role). Anything outside is the same 404 as an unknown id."""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from perisai.auth.permissions import Scope, or_404
from perisai.compliance.models import ComplianceVisit, Headcount, HeadcountList


def visible_lists(scope: Scope) -> ColumnElement[bool]:
    return scope.branches(HeadcountList.branch_id)


def list_or_404(session: Session, scope: Scope, list_id: int) -> HeadcountList:
    found = session.get(HeadcountList, list_id)
    return or_404(found, found is not None and scope.allows_branch(found.branch_id))


def headcount_or_404(session: Session, scope: Scope, headcount_id: int) -> Headcount:
    found = session.get(Headcount, headcount_id)
    visible = found is not None and scope.allows_branch(found.headcount_list.branch_id)
    return or_404(found, visible)


def visit_or_404(session: Session, scope: Scope, visit_id: int) -> ComplianceVisit:
    found = session.get(ComplianceVisit, visit_id)
    return or_404(found, found is not None and scope.allows_branch(found.branch_id))

"""Receiving the labour office's list (API.md `POST /api/v1/compliance/headcounts`): read,
matched and, unless it is a dry run, stored as the branch's newest list; a proposed match by
name confirmed or rejected by a supervisor.

A file with any problem is refused as a whole (422, `errors.rows`: row → the file's column →
messages), so nothing is half-read; a dry run answers the same report and stores nothing.
The same file uploaded again for the branch is the same list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.audit.operations import Actor, record_many
from perisai.compliance.matching import EmployerIndex
from perisai.compliance.models import Headcount, HeadcountList
from perisai.compliance.reading import Problem, read_list
from perisai.errors import Conflict, ValidationFailed
from perisai.regions.models import Region

INSERT_ROWS = 5_000  # headcount rows per INSERT statement
MAX_PROBLEMS = 200  # problems listed in one answer (the count says how many there are)


@dataclass
class Upload:
    headcount_list: HeadcountList | None
    created: bool
    dry_run: bool
    rows: int = 0
    matched: int = 0
    proposed: int = 0
    unmatched: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def list_id(self) -> int | None:
        return self.headcount_list.id if self.headcount_list is not None else None


def upload_headcounts(
    session: Session,
    *,
    branch_id: int,
    path: str,
    filename: str,
    sha256: str,
    dry_run: bool,
    reported_on: date | None = None,
    uploaded_by=None,
) -> Upload:
    """Read and match the file for the branch; store it unless `dry_run`."""
    if not dry_run and (known := _known(session, branch_id, sha256)) is not None:
        return _counted(known, created=False)
    regencies = set(session.scalars(select(Region.code).where(Region.level == "regency")))
    index = EmployerIndex(session, branch_id)
    rows, result = [], Upload(None, created=False, dry_run=dry_run)
    for read in read_list(path, filename, regencies):
        if isinstance(read, Problem):
            result.problem_count += 1
            if len(result.problems) < MAX_PROBLEMS:
                result.problems.append(read)
            continue
        match = index.match(read.identifiers, read.name_key, read.regency_code)
        setattr(result, match.state, getattr(result, match.state) + 1)
        rows.append(
            {
                "row_number": read.row_number,
                "employer_name": read.employer_name,
                "name_key": read.name_key,
                "regency_code": read.regency_code,
                "reported_workers": read.reported_workers,
                "identifier": read.identifiers[0] if read.identifiers else None,
                "state": match.state,
                "method": match.method,
                "employer_id": match.employer_id,
                "proposed_employer_id": match.proposed_employer_id,
                "score": match.score,
            }
        )
    result.rows = len(rows) + result.problem_count
    if dry_run:
        return result
    if result.problem_count:
        token = f"compliance.rows_refused|{result.problem_count}"
        # every problem, by row and by the file's column (a dry run lists them the same way)
        rows_refused = {str(p.row): p.errors for p in result.problems}
        raise ValidationFailed(token, {"files": {"file": [token]}, "rows": rows_refused})
    headcount_list = HeadcountList(
        branch_id=branch_id,
        filename=filename[:200],
        sha256=sha256,
        reported_on=reported_on or clock.today(),
        rows=result.rows,
        matched=result.matched,
        proposed=result.proposed,
        unmatched=result.unmatched,
        uploaded_by_id=getattr(uploaded_by, "id", None),
        uploaded_at=clock.now(),
    )
    session.add(headcount_list)
    session.flush()
    connection = session.connection()
    for start in range(0, len(rows), INSERT_ROWS):
        chunk = rows[start : start + INSERT_ROWS]
        connection.execute(insert(Headcount), [{**r, "list_id": headcount_list.id} for r in chunk])
    record_many(session, Actor.current(), [("create", "headcount_list", headcount_list.id)])
    result.headcount_list, result.created = headcount_list, True
    return result


def _known(session: Session, branch_id: int, sha256: str) -> HeadcountList | None:
    return session.scalar(
        select(HeadcountList).where(
            HeadcountList.branch_id == branch_id, HeadcountList.sha256 == sha256
        )
    )


def _counted(headcount_list: HeadcountList, *, created: bool) -> Upload:
    return Upload(
        headcount_list,
        created=created,
        dry_run=False,
        rows=headcount_list.rows,
        matched=headcount_list.matched,
        proposed=headcount_list.proposed,
        unmatched=headcount_list.unmatched,
    )


def decide_match(session: Session, *, headcount: Headcount, decision: str, by=None) -> Headcount:
    """A supervisor's word on a proposed match: `confirm` makes it a match, `reject` says the
    proposal is another business. The same decision again changes nothing; another one, or a
    decision on a row that had no proposal, is a 409."""
    wanted = "matched" if decision == "confirm" else "rejected"
    decided_before = headcount.decided_at is not None
    if decided_before and headcount.state == wanted:
        return headcount
    if headcount.state != "proposed":
        token = f"compliance.not_proposed|{headcount.state}"
        raise Conflict(token, {"json": {"decision": [token]}})
    headcount.state = wanted
    headcount.employer_id = headcount.proposed_employer_id if wanted == "matched" else None
    headcount.decided_by_id = getattr(by, "id", None)
    headcount.decided_at = clock.now()
    record_many(session, Actor.current(), [(decision, "headcount", headcount.id)])
    return headcount

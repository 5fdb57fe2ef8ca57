"""Settlement statements (DOMAIN.md §8): a bank's CSV export read by its column mapping
(perisai.cash.models.StatementFormat), each credit matched to a deposit of the branch by
reference, amount and a date window, and the matched deposits settling their agents' oldest
cash (perisai.cash.settlement).

The same file uploaded again is the same statement and changes nothing; a credit already read
from an earlier, overlapping export is kept as `duplicate` and matches nothing. A file with any
unreadable line is refused as a whole (422 naming the lines), so nothing is half-read.
"""

from __future__ import annotations

import csv
import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from perisai import clock, zones
from perisai.audit.operations import Actor, record_many
from perisai.cash.deposits import match_key
from perisai.cash.limits import limits_for_branch
from perisai.cash.models import Deposit, SettlementStatement, StatementFormat, StatementLine
from perisai.cash.settlement import settle_agents
from perisai.errors import ValidationFailed, field_error

MAX_LINES = 200_000
MAX_REPORTED = 20  # line errors listed in one refusal


@dataclass
class Credit:
    line_number: int
    booked_on: date
    reference: str
    amount: int
    match_key: str = ""
    fingerprint: str = ""


@dataclass
class Upload:
    statement: SettlementStatement
    created: bool
    unmatched: list[StatementLine] = field(default_factory=list)


def statement_format(session: Session, code: str | None) -> StatementFormat:
    found = session.scalar(
        select(StatementFormat).where(StatementFormat.code == (code or "standard"))
    )
    if found is None:
        codes = ", ".join(
            session.scalars(select(StatementFormat.code).order_by(StatementFormat.code))
        )
        raise field_error("format", f"cash.unknown_format|{code}|{codes}", location="query")
    return found


def read_credits(content: bytes, fmt: StatementFormat) -> list[Credit]:
    """The statement's credits, or ValidationFailed naming every unreadable line (up to 20)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # older bank exports
    lines = text.splitlines()[fmt.skip_rows :]
    reader = csv.DictReader(lines, delimiter=fmt.delimiter)
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    wanted = (fmt.date_column, fmt.reference_column, fmt.amount_column)
    missing = [name for name in wanted if name not in header]
    if missing:
        token = f"cash.statement_columns|{', '.join(missing)}|{', '.join(header) or '-'}"
        raise field_error("file", token, location="files")
    credits, problems = [], []
    for number, row in enumerate(reader, start=2 + fmt.skip_rows):
        if len(credits) >= MAX_LINES:
            raise field_error("file", f"cash.statement_too_long|{MAX_LINES}", location="files")
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue  # blank line
        try:
            credits.append(_credit(number, row, fmt))
        except ValueError as error:
            problems.append(f"{number}: {error}")
    if problems:
        shown = "; ".join(problems[:MAX_REPORTED])
        raise ValidationFailed(
            f"cash.statement_lines|{len(problems)}|{shown}",
            {"files": {"file": [f"cash.statement_lines|{len(problems)}|{shown}"]}},
        )
    seen: dict[tuple, int] = defaultdict(int)
    for credit in credits:
        credit.match_key = match_key(credit.reference)
        identity = (credit.booked_on.isoformat(), credit.match_key, credit.amount)
        seen[identity] += 1  # the same credit twice in one day is two credits: count them
        text = "|".join(map(str, (*identity, seen[identity])))
        credit.fingerprint = hashlib.sha256(text.encode()).hexdigest()
    return credits


def _credit(number: int, row: dict, fmt: StatementFormat) -> Credit:
    raw_date = (row.get(fmt.date_column) or "").strip()
    try:
        booked_on = _day(raw_date, fmt.date_format)
    except ValueError:
        raise ValueError(f"{fmt.date_column} '{raw_date[:20]}'") from None
    reference = (row.get(fmt.reference_column) or "").strip()
    if not reference:
        raise ValueError(f"{fmt.reference_column} ''")
    return Credit(number, booked_on, reference[:120], _amount(row.get(fmt.amount_column), fmt))


@functools.lru_cache(maxsize=1024)
def _day(text: str, pattern: str) -> date:
    """A statement's booking day; a statement has a few dates on many lines (strptime is
    most of reading one)."""
    return datetime.strptime(text, pattern).date()


def _amount(raw, fmt: StatementFormat) -> int:
    text = (raw or "").strip().replace("Rp", "").replace(" ", "")
    thousands = "." if fmt.decimal_mark == "," else ","
    text = text.replace(thousands, "")
    whole, _, cents = text.partition(fmt.decimal_mark)
    if not whole.isdigit() or (cents and not (cents.isdigit() and int(cents) == 0)):
        raise ValueError(f"{fmt.amount_column} '{(raw or '')[:20]}'")  # whole rupiah only
    amount = int(whole)
    if amount <= 0:
        raise ValueError(f"{fmt.amount_column} '{(raw or '')[:20]}'")
    return amount


def upload_statement(
    session: Session,
    *,
    branch_id: int,
    content: bytes,
    filename: str,
    fmt: StatementFormat,
    uploaded_by=None,
) -> Upload:
    """Read, store and match one statement for a branch (idempotent on the file's bytes)."""
    digest = hashlib.sha256(content).hexdigest()
    existing = session.scalar(
        select(SettlementStatement).where(
            SettlementStatement.branch_id == branch_id, SettlementStatement.sha256 == digest
        )
    )
    if existing is not None:
        return Upload(existing, False, _unmatched(session, existing.id))
    credits = read_credits(content, fmt)
    statement = SettlementStatement(
        branch_id=branch_id,
        sha256=digest,
        filename=(filename or "statement.csv")[:200],
        format_code=fmt.code,
        lines=len(credits),
        matched=0,
        uploaded_by_id=getattr(uploaded_by, "id", None),
        uploaded_at=clock.now(),
    )
    session.add(statement)
    session.flush()
    statement.matched = _store_and_match(session, statement, credits)
    record_many(session, Actor.current(), [("create", "statement", statement.id)])
    return Upload(statement, True, _unmatched(session, statement.id))


def _store_and_match(session: Session, statement: SettlementStatement, credits) -> int:
    branch_id = statement.branch_id
    known = _known_fingerprints(session, branch_id, {c.fingerprint for c in credits})
    waiting = _waiting_deposits(session, branch_id)
    window = _windows(session, branch_id, waiting)
    rows, matched_deposits, agents = [], [], set()
    for credit in credits:
        deposit_id, state = None, "unmatched"
        if credit.fingerprint in known:
            state = "duplicate"
        else:
            deposit = _take(waiting, credit, window)
            if deposit is not None:
                deposit_id, state = deposit.id, "matched"
                matched_deposits.append(deposit.id)
                agents.add(deposit.agent_id)
        rows.append(
            {
                "statement_id": statement.id,
                "branch_id": branch_id,
                "line_number": credit.line_number,
                "booked_on": credit.booked_on,
                "reference": credit.reference,
                "match_key": credit.match_key,
                "amount": credit.amount,
                "fingerprint": credit.fingerprint,
                "state": state,
                "deposit_id": deposit_id,
            }
        )
    _insert_lines(session, rows)
    # the deposits' state from the lines just stored, in one statement (not 5,000-id IN lists)
    if matched_deposits:
        session.execute(
            update(Deposit)
            .where(
                Deposit.id.in_(
                    select(StatementLine.deposit_id).where(
                        StatementLine.statement_id == statement.id,
                        StatementLine.state == "matched",
                    )
                )
            )
            .values(state="matched")
            .execution_options(synchronize_session=False)
        )
    settle_agents(session, agents)
    return len(matched_deposits)


def _insert_lines(session: Session, rows: list[dict]) -> None:
    """Store a statement's lines: COPY on PostgreSQL (100,000 lines in half the time multi-row
    INSERTs take, a fifth of this process's CPU), Core INSERTs elsewhere; in the session's
    transaction either way."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        for start in range(0, len(rows), 5000):
            session.execute(StatementLine.__table__.insert(), rows[start : start + 5000])
        return
    columns = list(rows[0])
    table, dialect = StatementLine.__table__, session.get_bind().dialect
    # each value as the column's type writes it (a UUID as its 36 characters)
    written = [(name, table.c[name].type.bind_processor(dialect)) for name in columns]
    copied = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(copied) as copy:
        for row in rows:
            copy.write_row([write(row[name]) if write else row[name] for name, write in written])


def _known_fingerprints(session: Session, branch_id: int, fingerprints: set[str]) -> set[str]:
    found: set[str] = set()
    listed = list(fingerprints)
    for start in range(0, len(listed), 5000):
        found.update(
            session.scalars(
                select(StatementLine.fingerprint).where(
                    StatementLine.branch_id == branch_id,
                    StatementLine.fingerprint.in_(listed[start : start + 5000]),
                    StatementLine.state != "duplicate",
                )
            )
        )
    return found


@dataclass
class _Waiting:
    id: object
    agent_id: int
    deposited_on: date


def _waiting_deposits(session: Session, branch_id: int) -> dict[tuple[str, int], list[_Waiting]]:
    """The branch's deposits no statement confirmed yet, by (reference, amount), oldest first."""
    waiting: dict[tuple[str, int], list[_Waiting]] = defaultdict(list)
    rows = session.execute(
        select(
            Deposit.id, Deposit.agent_id, Deposit.match_key, Deposit.amount, Deposit.deposited_on
        )
        .where(Deposit.branch_id == branch_id, Deposit.state == "recorded")
        .order_by(Deposit.deposited_on, Deposit.created_at)
    )
    for deposit_id, agent_id, key, amount, deposited_on in rows:
        waiting[key, amount].append(_Waiting(deposit_id, agent_id, deposited_on))
    return waiting


def _windows(session: Session, branch_id: int, waiting) -> dict[int, int]:
    """Each waiting agent's match window in days (its cash limit's), in one query."""
    agent_ids = {d.agent_id for group in waiting.values() for d in group}
    today = zones.today_of_branch(session, branch_id)
    default, overrides = limits_for_branch(session, branch_id, today, agent_ids)
    return {agent_id: overrides.get(agent_id, default).match_window_days for agent_id in agent_ids}


def _take(waiting, credit: Credit, windows: dict[int, int]) -> _Waiting | None:
    """The oldest waiting deposit with this reference and amount whose window holds the
    credit's booking day (a bank books a deposit on its day or a few days later)."""
    group = waiting.get((credit.match_key, credit.amount))
    if not group:
        return None
    for index, deposit in enumerate(group):
        days = windows.get(deposit.agent_id, 3)
        earliest = deposit.deposited_on - timedelta(days=1)  # a deposit noted a day late
        if earliest <= credit.booked_on <= deposit.deposited_on + timedelta(days=days):
            return group.pop(index)
    return None


def _unmatched(session: Session, statement_id: int) -> list[StatementLine]:
    return list(
        session.scalars(
            select(StatementLine)
            .where(StatementLine.statement_id == statement_id, StatementLine.state == "unmatched")
            .order_by(StatementLine.line_number)
        )
    )

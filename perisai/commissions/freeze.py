"""What a close writes for a month, in bulk SQL: the month's postings and claw-backs, its ledger
entries (perisai.commissions.ledger builds the lines), what of them is held on unsettled cash
and what earlier holds are released (perisai.commissions.holds), the agents' frozen statements,
the Wadah entries and one CommissionClose row per branch. perisai.commissions.close decides
which months are closed and calls `freeze_month` for each, oldest first.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, insert, literal, select, text, update
from sqlalchemy.orm import Session

from perisai import clock
from perisai.commissions import holds, ledger, review_holds
from perisai.commissions.ledger import PO, WD, A, E, R, Window
from perisai.commissions.models import STATEMENT_FIGURES, CommissionClose, CommissionStatement
from perisai.commissions.rules import rule_set_for
from perisai.db import UTCDateTime
from perisai.months import Month

ST = CommissionStatement.__table__


def freeze_month(session: Session, month: Month, group: tuple[int, ...], closed_by) -> None:
    """Post everything the month takes for these branches, then write their statements."""
    rule = rule_set_for(session, month)
    now = clock.now()
    _post_payments(session, month, group)
    clawed = select(PO.c.payment_id, PO.c.agent_id, PO.c.month).where(
        PO.c.clawed_back_month == str(month), PO.c.branch_id.in_(group)
    )
    batch = ledger.posted_payments(month, group)
    # Claw-backs first: a worker whose acquisition was just undone may be acquired again.
    for lines in (
        ledger.clawback_lines(clawed, month),
        ledger.collection_lines(batch, month, rule),
        ledger.acquisition_lines(batch, month, rule),
    ):
        _insert_entries(session, lines, now)
    # participants a supervisor found fake: their acquisition fees are clawed back now
    review_holds.claw_back_found_fake(session, month, group, now)
    _analyze(session, "commission_entries")
    holds.hold_month(session, month, group, now)
    _insert_statements(session, month, group, rule, batch, now)
    _insert_wadah_entries(session, month, group, rule, now)
    counts = dict(
        session.execute(
            select(CommissionStatement.branch_id, func.count())
            .where(CommissionStatement.month == month, CommissionStatement.branch_id.in_(group))
            .group_by(CommissionStatement.branch_id)
        ).all()
    )
    for branch in group:
        session.add(
            CommissionClose(
                branch_id=branch,
                month=month,
                rule_set_id=rule.id,
                statements=counts.get(branch, 0),
                closed_at=now,
                closed_by_id=getattr(closed_by, "id", None),
            )
        )
    session.flush()


def _post_payments(session: Session, month: Month, group: tuple[int, ...]) -> None:
    """Post the payments the month takes, and mark for claw-back the earlier postings whose
    payment was reversed before the month ended."""
    candidates = ledger.candidate_payments(Window(month, True, group)).subquery("candidates")
    columns = ["payment_id", "agent_id", "wadah_id", "branch_id", "amount", "is_unsettled_cash"]
    session.execute(
        insert(PO).from_select(
            [*columns, "month"],
            select(*[candidates.c[name] for name in columns], ledger._text(str(month))),
        )
    )
    _analyze(session, "commission_postings")
    session.execute(
        update(PO)
        .where(
            PO.c.clawed_back_month.is_(None),
            PO.c.branch_id.in_(group),
            # posted by an earlier close: one posted just now and reversed meanwhile (a race)
            # has no entries yet, and is clawed back by the next close instead
            PO.c.month < str(month),
            exists().where(
                R.c.payment_id == PO.c.payment_id,
                R.c.created_at < ledger.month_start_utc(month + 1, PO.c.branch_id),
            ),
        )
        .values(clawed_back_month=str(month))
    )


def tune(session: Session) -> None:
    """For this transaction only: a close is a few big joins, so no JIT compilation (seconds
    per statement, for nothing) and enough memory to hash a million rows without spilling."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '256MB'"))


def _analyze(session: Session, table: str) -> None:
    """Fresh planner statistics after a bulk insert inside the close's transaction, so the
    next statement joins a million rows by hash instead of a million index probes."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"ANALYZE {table}"))


def _insert_entries(session: Session, lines, now: datetime) -> None:
    s = lines.subquery("lines")
    columns = [*ledger.LINE_COLUMNS, "created_at"]
    source = select(*[s.c[name] for name in ledger.LINE_COLUMNS], _now(now))
    session.execute(insert(E).from_select(columns, source))


def _now(now: datetime):
    return literal(now, UTCDateTime()).label("created_at")


def _insert_statements(session, month, group, rule, batch, now) -> None:
    entries = (
        select(E)
        .where(E.c.month == str(month), E.c.branch_id.in_(group), E.c.kind != "wadah")
        .subquery("month_entries")
    )
    sums = ledger.sums_by_agent(select(entries)).subquery("sums")
    paid = ledger.payments_by_agent(batch).subquery("paid")
    held = holds.held_by_agent(month, group).subquery("held")
    released = holds.released_by_agent(month).subquery("released")
    coalesce = func.coalesce
    acquisition = coalesce(sums.c.acquisition_fee, 0)
    collection = coalesce(sums.c.collection_fee, 0)
    total = acquisition + collection
    source = (
        select(
            ledger._text(str(month)),
            A.c.id,
            A.c.wadah_id,
            WD.c.branch_id,
            ledger._int(rule.id),
            coalesce(sums.c.new_participants, 0),
            coalesce(paid.c.payments, 0),
            coalesce(paid.c.collected_amount, 0),
            acquisition,
            collection,
            total,
            # the Wadah's share is of the whole incentive, held or not (DOMAIN.md §4)
            ledger.rounded_signed(total, rule.wadah_bp),
            coalesce(held.c.held, 0),
            coalesce(released.c.released, 0),
            _now(now),
        )
        .select_from(
            A.join(WD, WD.c.id == A.c.wadah_id)
            .outerjoin(sums, sums.c.agent_id == A.c.id)
            .outerjoin(paid, paid.c.agent_id == A.c.id)
            .outerjoin(held, held.c.agent_id == A.c.id)
            .outerjoin(released, released.c.agent_id == A.c.id)
        )
        .where(
            WD.c.branch_id.in_(group),
            (A.c.status != "terminated")
            | sums.c.agent_id.is_not(None)
            | paid.c.agent_id.is_not(None)
            | released.c.agent_id.is_not(None),  # paid now what an earlier month held
        )
    )

    columns = [
        "month",
        "agent_id",
        "wadah_id",
        "branch_id",
        "rule_set_id",
        *STATEMENT_FIGURES,  # in this order in `source` above
        "closed_at",
    ]
    session.execute(insert(ST).from_select(columns, source))


def _insert_wadah_entries(session, month, group, rule, now) -> None:

    source = select(
        ST.c.month,
        ST.c.branch_id,
        ST.c.wadah_id,
        ST.c.agent_id,
        ledger._text("wadah").label("kind"),
        ledger._text("wadah").label("component"),
        ST.c.total.label("base_amount"),
        ledger._int(rule.wadah_bp).label("rate_bp"),
        ST.c.wadah_fee.label("amount"),
        ST.c.rule_set_id,
        _now(now).label("created_at"),
    ).where(ST.c.month == str(month), ST.c.branch_id.in_(group), ST.c.wadah_fee != 0)
    # the entry columns are the source's names
    session.execute(insert(E).from_select(list(source.selected_columns.keys()), source))

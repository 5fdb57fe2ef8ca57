"""Incentive held on cash still in the agent's custody (DOMAIN.md §8), in bulk SQL.

The amounts are computed as for any payment; a close only decides when they are paid. At the
close of month M for a group of branches (`hold_month`, after M's ledger entries are written):
  1. every acquisition and collection entry of M on unsettled cash (the payment's custodian is
     set and the bank had not confirmed it when the close posted it: perisai.cash.settlement)
     is held. An acquisition's payment is the one holding the participant's first paid month,
     the one that made them count;
  2. a claw-back entry of M whose reversed entry is still held is held as well (a negative
     amount) and both holds are cancelled in M: the agent never got the money the claw-back
     takes back, so it must not reduce what is paid now; the cash left its hands too;
  3. the holds of earlier months whose payment has been settled since are released in M.
A statement's `held` is the sum of its month's holds (step 1 and 2), `released` of step 3;
`payable` = total − held and `payout` = payable + released (models.payable_and_payout).

An open month shows the same as an estimate (`sums_with_held_by_agent`, `estimated_hold`): its
lines on cash unsettled now, and its claw-backs of entries still held; cash settled before the
close is not held. `released` shows only once a close has released.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, exists, func, insert, literal, null, select, update
from sqlalchemy.orm import Session

from perisai.commissions import ledger, review_holds, reviews
from perisai.commissions.ledger import PO, WD, A, E, P, _text, unsettled_cash
from perisai.commissions.models import HOLD_COLUMNS, CommissionHold
from perisai.db import UTCDateTime
from perisai.months import Month

H = CommissionHold.__table__
CASH = "cash"  # the reason; issue 21 adds "quality" (flagged participants)
EARNING_KINDS = ("acquisition", "collection")


def is_open(holds=H):
    return and_(holds.c.released_month.is_(None), holds.c.cancelled_month.is_(None))


def hold_month(session: Session, month: Month, group: tuple[int, ...], now: datetime) -> None:
    """Hold, cancel and release for the month's close (the module docstring's steps 1–3)."""
    _hold_unsettled(session, month, group, now)
    review_holds.hold_under_review(session, month, group, now)  # after cash: held once
    _cancel_reversed(session, month, group, now)
    _release_settled(session, month, group)


def _hold_unsettled(session: Session, month: Month, group: tuple[int, ...], now) -> None:
    # From the month's postings on unsettled cash (few: the cash limits keep them so; marked
    # when posted, in this transaction) to their entries, rather than from every entry of the
    # month to its payment (a million index probes).
    unsettled = (
        select(PO.c.payment_id, PO.c.agent_id)
        .where(PO.c.month == str(month), PO.c.branch_id.in_(group), PO.c.is_unsettled_cash)
        .subquery("unsettled")
    )
    source = select(
        E.c.id,
        E.c.agent_id,
        E.c.branch_id,
        E.c.wadah_id,
        E.c.payment_id,
        _text(str(month)),
        E.c.amount,
        _text(CASH),
        null(),  # cancelled_month
        _now(now),
    ).select_from(
        E.join(
            unsettled,
            and_(
                E.c.agent_id == unsettled.c.agent_id,
                E.c.month == str(month),
                E.c.payment_id == unsettled.c.payment_id,
                E.c.kind.in_(EARNING_KINDS),
                E.c.amount != 0,
            ),
        )
    )
    session.execute(insert(H).from_select(HOLD_COLUMNS, source))


def _cancel_reversed(session: Session, month: Month, group: tuple[int, ...], now) -> None:
    held = H.alias("held")
    source = (
        select(
            E.c.id,
            E.c.agent_id,
            E.c.branch_id,
            E.c.wadah_id,
            E.c.payment_id,
            _text(str(month)),
            E.c.amount,
            held.c.reason,
            _text(str(month)),
            _now(now),
        )
        .select_from(E.join(held, held.c.entry_id == E.c.reverses_id))
        .where(
            E.c.reverses_id.is_not(None),  # the partial index of the few reversals
            E.c.month == str(month),
            E.c.kind == "reversal",
            E.c.branch_id.in_(group),
            is_open(held),
        )
    )
    session.execute(insert(H).from_select(HOLD_COLUMNS, source))
    claw_back = E.alias("claw_back")
    session.execute(
        update(H)
        .where(
            is_open(),
            exists().where(
                claw_back.c.reverses_id == H.c.entry_id,
                claw_back.c.month == str(month),
                claw_back.c.kind == "reversal",
                claw_back.c.branch_id.in_(group),
            ),
        )
        .values(cancelled_month=str(month))
    )


def _release_settled(session: Session, month: Month, group: tuple[int, ...]) -> None:
    # By the agent's branch now, as its statement is written: an agent who moved branch is
    # released by the close of the branch that pays it.
    agents = select(A.c.id).join(WD, WD.c.id == A.c.wadah_id).where(WD.c.branch_id.in_(group))
    session.execute(
        update(H)
        .where(
            is_open(),
            H.c.month < str(month),
            H.c.agent_id.in_(agents),
            exists().where(P.c.id == H.c.payment_id, P.c.settled_at.is_not(None)),
            ~review_holds.still_reviewed(),  # and its participant under no open flag
        )
        .values(released_month=str(month))
    )


def _now(now: datetime):
    return literal(now, UTCDateTime())


# --- per-agent sums and the estimate ----------------------------------------------------------


def held_by_agent(month: Month, group: tuple[int, ...]):
    """(agent_id, held) of a closing month: its holds."""
    return (
        select(H.c.agent_id, func.sum(H.c.amount).label("held"))
        .where(H.c.month == str(month), H.c.branch_id.in_(group))
        .group_by(H.c.agent_id)
    )


def released_by_agent(month: Month):
    """(agent_id, released) of a closing month: the earlier holds it released."""
    return (
        select(H.c.agent_id, func.sum(H.c.amount).label("released"))
        .where(H.c.released_month == str(month))
        .group_by(H.c.agent_id)
    )


def estimated_hold(lines, payments, holds):
    """For the ledger lines of an open month (`lines`, outer-joined to their payment and to
    the open hold of the entry a claw-back reverses): whether a close now would hold it."""
    return (
        (lines.c.kind.in_(EARNING_KINDS) & unsettled_cash(payments) & (lines.c.amount != 0))
        | ((lines.c.kind == "reversal") & holds.c.id.is_not(None))
        | ((lines.c.kind == "acquisition") & reviews.under_review(lines.c.worker_id))
    )


def sums_with_held_by_agent(lines):
    """ledger.sums_by_agent of an open month's lines, with `held`: what a close now would hold
    (a line on cash unsettled now, a claw-back of an entry still held)."""
    s = lines.subquery("lines")
    open_hold = H.alias("open_hold")
    held = estimated_hold(s, P, open_hold)
    return (
        select(
            s.c.agent_id,
            *ledger.sum_columns(s),
            func.sum(case((held, s.c.amount), else_=0)).label("held"),
        )
        .select_from(
            # each line meets one payment at most and one hold at most (unique entry_id)
            s.outerjoin(P, P.c.id == s.c.payment_id).outerjoin(
                open_hold, and_(open_hold.c.entry_id == s.c.reverses_id, is_open(open_hold))
            )
        )
        .group_by(s.c.agent_id)
    )

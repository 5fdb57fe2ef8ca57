"""What a close does with the acquisition fees of participants under review (DOMAIN.md §9),
beside the cash holds of perisai.commissions.holds, in bulk SQL:
  1. before the month's statements, the acquisition entries (of any month, still standing) of
     participants in a flag a supervisor confirmed are clawed back: a reversal entry in the
     closing month, as for a reversed payment. Where the fee was held, the hold is cancelled by
     holds' own step (a claw-back of a held entry is held too), so payable does not drop for
     money the agent never got; where it was paid, payable drops by it.
  2. the month's acquisition entries of participants under an open flag are held (reason
     "quality"), unless cash holds them already (an entry is held once);
  3. a hold is released only once its cash is settled and its participant is under no open
     flag (holds.release_condition takes `still_reviewed` from here).
Which participants are under review or found fake comes from perisai.commissions.reviews.
"""

from __future__ import annotations

from sqlalchemy import exists, insert, literal, null, select
from sqlalchemy.orm import Session

from perisai.commissions import ledger, reviews
from perisai.commissions.ledger import E, _text
from perisai.commissions.models import HOLD_COLUMNS, CommissionHold
from perisai.db import UTCDateTime
from perisai.months import Month

H = CommissionHold.__table__


def claw_back_found_fake(session: Session, month: Month, group: tuple[int, ...], now) -> None:
    undone = E.alias("undone")
    lines = (
        ledger.reversal_of_entries(month)
        .where(
            E.c.kind == "acquisition",
            E.c.component == "acquisition",
            E.c.branch_id.in_(group),
            E.c.month <= str(month),
            E.c.amount != 0,
            reviews.found_fake(E.c.worker_id),
            ~exists().where(undone.c.reverses_id == E.c.id),
        )
        .add_columns(literal(now, UTCDateTime()).label("created_at"))
    )
    session.execute(insert(E).from_select([*ledger.LINE_COLUMNS, "created_at"], lines))


def hold_under_review(session: Session, month: Month, group: tuple[int, ...], now) -> None:
    source = select(
        E.c.id,
        E.c.agent_id,
        E.c.branch_id,
        E.c.wadah_id,
        E.c.payment_id,
        _text(str(month)),
        E.c.amount,
        _text("quality"),
        null(),
        literal(now, UTCDateTime()),
    ).where(
        E.c.month == str(month),
        E.c.branch_id.in_(group),
        E.c.kind == "acquisition",
        E.c.amount != 0,
        reviews.under_review(E.c.worker_id),
        ~exists().where(H.c.entry_id == E.c.id),
    )
    session.execute(insert(H).from_select(HOLD_COLUMNS, source))


def still_reviewed(holds=H):
    """The held entry is an acquisition of a participant still under an open flag."""
    entry = E.alias("held_entry")
    return exists().where(
        entry.c.id == holds.c.entry_id,
        entry.c.kind == "acquisition",
        reviews.under_review(entry.c.worker_id),
    )

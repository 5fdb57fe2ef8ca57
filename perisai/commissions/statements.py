"""What stands behind a statement: its ledger lines (frozen or estimated) and Wadah totals."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, false, select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent, Wadah
from perisai.auth.permissions import Scope, or_404
from perisai.commissions import holds, ledger
from perisai.commissions.access import parse_public_id
from perisai.commissions.close import last_closed_months
from perisai.commissions.estimates import AgentMonth, agent_months
from perisai.commissions.holds import H
from perisai.commissions.ledger import E, P, W, Window
from perisai.commissions.models import STATEMENT_FIGURES, payable_and_payout
from perisai.commissions.rules import rule_set_for
from perisai.months import Month
from perisai.workers.models import mask_nik

KIND_ORDER = {"acquisition": 0, "collection": 1, "reversal": 2, "wadah": 3}


def statement_lines(session: Session, item: AgentMonth) -> list[dict]:
    """Every ledger line behind the agent's month, with the participant and payment, and
    whether the month holds it (perisai.commissions.holds; an open month: would hold now)."""
    if item.state == "closed":
        lines = select(*[E.c[name] for name in ledger.LINE_COLUMNS], E.c.id.label("entry_id"))
        s = lines.where(E.c.agent_id == item.agent.id, E.c.month == str(item.month)).subquery(
            "lines"
        )
        hold = H.alias("hold")
        joined = s.outerjoin(hold, and_(hold.c.entry_id == s.c.entry_id, hold.c.month == s.c.month))
        held = hold.c.id.is_not(None)
    else:
        branch = item.agent.wadah.branch_id
        last = last_closed_months(session, [branch]).get(branch)
        window = Window(
            item.month, bool(last) and last + 1 == item.month, (branch,), (item.agent.id,)
        )
        rule = rule_set_for(session, item.month, location="query")
        lines = ledger.all_lines(
            ledger.candidate_payments(window),
            ledger.reversals_to_claw_back(window),
            item.month,
            rule,
        )
        s = lines.subquery("lines")
        hold = H.alias("open_hold")
        joined = s.outerjoin(hold, and_(hold.c.entry_id == s.c.reverses_id, holds.is_open(hold)))
        held = holds.estimated_hold(s, P, hold)  # P: the line's payment, joined below
    return _described(session, s, joined, held.label("held"))


def released_lines(session: Session, item: AgentMonth) -> list[dict]:
    """The earlier months' lines whose hold the agent's closed month released, with the month
    that held each (none while the month is open: a close releases)."""
    if item.state != "closed":
        return []
    s = (
        select(
            *[E.c[name] for name in ledger.LINE_COLUMNS],
            H.c.month.label("held_month"),
        )
        .select_from(H.join(E, E.c.id == H.c.entry_id))
        .where(H.c.agent_id == item.agent.id, H.c.released_month == str(item.month))
        .subquery("released")
    )
    rows = _described(session, s, s, false().label("held"))  # paid now
    return sorted(rows, key=lambda r: (r["held_month"] or "", *_order(r)))


def _described(session: Session, s, joined, extra) -> list[dict]:
    """The lines `s` (joined as `joined`) with their participant and payment, in order."""
    stmt = select(
        s,
        W.c.full_name,
        W.c.membership_number,
        W.c.nik,
        P.c.receipt_number,
        P.c.paid_on,
        extra,
    ).select_from(
        joined.outerjoin(W, W.c.id == s.c.worker_id).outerjoin(P, P.c.id == s.c.payment_id)
    )
    rows = []
    for row in session.execute(stmt).mappings():
        rows.append(
            {
                "kind": row["kind"],
                "component": row["component"],
                "participant": row["full_name"],
                "membership_number": row["membership_number"],
                "nik_masked": mask_nik(row["nik"]) if row["nik"] else None,
                "receipt_number": row["receipt_number"],
                "paid_on": str(row["paid_on"])[:10] if row["paid_on"] else None,
                "covered_month": str(row["covered_month"]) if row["covered_month"] else None,
                "month_index": row["month_index"],
                "base_amount": int(row["base_amount"]),
                "rate_bp": row["rate_bp"],
                "amount": int(row["amount"]),
                "held": bool(row.get("held")),
                "held_month": str(row["held_month"]) if row.get("held_month") else None,
            }
        )
    rows.sort(key=_order)
    return rows


def _order(r: dict) -> tuple:
    return (
        KIND_ORDER.get(r["kind"], 9),
        r["participant"] or "",
        r["receipt_number"] or "",
        r["covered_month"] or "",
    )


# --- Wadah statements -------------------------------------------------------------------------


@dataclass
class WadahMonth:
    wadah: Wadah
    month: Month
    state: str
    agents: list[AgentMonth] = field(default_factory=list)

    @property
    def public_id(self) -> str:
        return f"{self.month}-{self.wadah.id}"

    def sum(self, name: str) -> int:
        return sum(int(item.figures[name]) for item in self.agents)

    @property
    def figures(self) -> dict[str, int]:
        return payable_and_payout({name: self.sum(name) for name in STATEMENT_FIGURES})

    @property
    def agent_count(self) -> int:
        return len(self.agents)

    @property
    def payable(self) -> int:
        """What is transferred to the Wadah's account: its agents' payout (their incentive less
        what is held, with what earlier months held and this month released) and its own fee
        (on the whole incentive, held or not)."""
        return self.figures["payout"] + self.sum("wadah_fee")


def wadahs_in_scope(scope: Scope):
    """Wadah statements: a supervisor its branch's, an admin every one, an agent none."""
    visible = false() if scope.role == "agent" else scope.branches(Wadah.branch_id)
    return select(Wadah).where(visible).order_by(Wadah.name, Wadah.id)


def wadah_months(session: Session, month: Month, wadahs: list[Wadah]) -> list[WadahMonth]:
    agents = session.scalars(
        select(Agent).where(Agent.wadah_id.in_([w.id for w in wadahs])).order_by(Agent.agent_code)
    ).all()
    by_wadah: dict[int, list[AgentMonth]] = defaultdict(list)
    for item in agent_months(session, month, list(agents)):
        if item.state == "closed" and item.statement is None:
            continue  # joined after the month was closed: not part of it
        by_wadah[item.agent.wadah_id].append(item)
    last = last_closed_months(session, {w.branch_id for w in wadahs})
    out = []
    for wadah in wadahs:
        closed = last.get(wadah.branch_id) is not None and month <= last[wadah.branch_id]
        out.append(WadahMonth(wadah, month, "closed" if closed else "open", by_wadah[wadah.id]))
    return out


def get_wadah_month(session: Session, scope: Scope, public_id: str) -> WadahMonth:
    month, wadah_id = parse_public_id(public_id)
    wadah = session.get(Wadah, wadah_id)
    visible = wadah is not None and scope.role != "agent" and scope.allows_branch(wadah.branch_id)
    return wadah_months(session, month, [or_404(wadah, visible)])[0]

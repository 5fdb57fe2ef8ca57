"""Putting messages in the outbox: renewal reminders and agents' digests in bulk, receipts as
payments are recorded.

Reminders are queued set-based: per time zone (WIB, WITA, WIT: "today" is the branch's) and
per kind, one INSERT … SELECT over the participants, so a million of them cost a few
statements, not a million round trips. The kinds (DOMAIN.md §3, §11):

- `renewal_due`: active, coverage ends within the rule's `due_days` (7);
- `grace_1`, `grace_2`, `grace_3`: in that month of grace (arrears still payable);
- `ended`: the first month after the third of grace, with how to start again.

Each row's `key` names the kind, the participant and the month they are covered until, so a
situation is reminded once however often this runs (a second run, or two at once, inserts
nothing: ON CONFLICT DO NOTHING). Nobody who died, was anonymised or has no phone is queued at
all; no reminder goes to a participant who had one (not skipped) within the rule's
`min_days_between` days (that one is reminded on a later run). The channel is chosen from the
consents in force (WhatsApp first, else SMS); a participant who consented to neither is
recorded as skipped with the reason, so a supervisor can see why nobody was reminded. The
message is held until the end of the quiet hours when queued during them.

Beat runs this once a local day per zone (operations.queue_scheduled); the participants of a
zone are read in the few statements above, so a national run is a matter of seconds per kind.

Receipts: every payment accepted (at once, or on approval) queues `receipt:<payment>` right
after the flush that writes it, on the same transaction, by a session event (hooks.py): the
outbox row commits with the payment or not at all. Its channel, and whether it carries the
card link (the first payment), are decided when it is sent.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Integer, String, and_, case, cast, exists, func, literal, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from perisai import clock
from perisai.agents.models import Agent, Branch, Wadah
from perisai.contributions.models import Payment
from perisai.db import UTCDateTime
from perisai.months import Month
from perisai.notifications.models import REMINDERS, Notification
from perisai.notifications.quiet import next_allowed
from perisai.notifications.rules import rule_for
from perisai.workers.models import (
    GRACE_MONTHS,
    MESSAGES_PURPOSE,
    Worker,
    WorkerConsent,
    due_within_clause,
)

COLUMNS = (
    "key",
    "template",
    "worker_id",
    "agent_id",
    "branch_id",
    "channel",
    "language",
    "state",
    "reason",
    "params",
    "rule_id",
    "next_attempt_at",
    "attempts",
    "created_at",
    "updated_at",
)


def _insert_ignoring_duplicates(session: Session, select_stmt) -> int:
    """INSERT INTO notifications … SELECT, a row whose key exists already left out."""
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = (
        module.insert(Notification.__table__)
        .from_select(list(COLUMNS), select_stmt)
        .on_conflict_do_nothing(index_elements=["key"])
        .execution_options(preserve_rowcount=True)  # psycopg's count of an INSERT … SELECT
    )
    return max(session.execute(stmt).rowcount, 0)


def _reminder_select(template: str, condition, branch_ids, rule, now: datetime, at: datetime):
    """The rows of one kind of reminder for the participants of these branches (one zone).

    The consents in force are joined, not looked up per row and column: at most one row per
    participant and channel is in force (a partial unique index), so each join adds nothing
    but that row. The branches are named by id (read beforehand), so the planner sees how
    many participants they hold and joins by hash where a million rows are at stake."""
    whatsapp, sms = aliased(WorkerConsent), aliased(WorkerConsent)

    def in_force(consent, channel):
        return and_(
            consent.worker_id == Worker.id,
            consent.purpose == MESSAGES_PURPOSE,
            consent.channel == channel,
            consent.withdrawn_at.is_(None),
        )

    withdrawn = Worker.consent_withdrawn_at.is_not(None)
    has_whatsapp, has_sms = whatsapp.id.is_not(None), sms.id.is_not(None)
    consented = or_(has_whatsapp, has_sms)
    recent = exists().where(
        Notification.worker_id == Worker.id,
        Notification.template.in_(REMINDERS),
        Notification.state != "skipped",
        Notification.created_at > now - timedelta(days=rule.min_days_between),
    )
    key = literal(f"{template}:", String) + cast(Worker.id, String) + literal(":", String)
    return (
        select(
            key + cast(Worker.covered_until, String),
            literal(template, String),
            Worker.id,
            literal(None),
            Worker.branch_id,
            case((withdrawn, None), (has_whatsapp, "whatsapp"), (has_sms, "sms"), else_=None),
            Worker.language,
            case((withdrawn, "skipped"), (consented, "queued"), else_="skipped"),
            case(
                (withdrawn, "consent_withdrawn"),
                # queued in the quiet hours: held until they end
                (consented, "quiet_hours" if at > now else None),
                else_="no_consent",
            ),
            literal(None),
            literal(rule.id, Integer),
            literal(at, UTCDateTime()),
            literal(0, Integer),
            literal(now, UTCDateTime()),
            literal(now, UTCDateTime()),
        )
        .select_from(Worker)
        .outerjoin(whatsapp, in_force(whatsapp, "whatsapp"))
        .outerjoin(sms, in_force(sms, "sms"))
        .where(
            Worker.branch_id.in_(branch_ids),
            condition,
            Worker.died_on.is_(None),  # DOMAIN.md §10: nothing goes to that number again
            Worker.anonymised_at.is_(None),
            Worker.phone != "",
            ~recent,
        )
    )


def reminder_conditions(today: date, rule) -> dict[str, object]:
    """template → which participants it is for, on `today` (their branch's day)."""
    month = Month.of(today)
    covered = Worker.covered_until
    conditions = {"renewal_due": due_within_clause(today, rule.due_days)}
    for n in range(1, GRACE_MONTHS + 1):
        conditions[f"grace_{n}"] = covered == month - n
    conditions["ended"] = covered == month - (GRACE_MONTHS + 1)
    return conditions


ANALYZE_AFTER = 10_000  # rows queued at once, after which the table's statistics are renewed


def queue_reminders(
    session: Session, now: datetime | None = None, zones: tuple[str, ...] | None = None
) -> dict[str, int]:
    """Queue every reminder due now (see the module) in `zones` (default: all three);
    template → how many were queued. Flushes, never commits."""
    now = now or clock.now()
    counts = dict.fromkeys(reminder_conditions(now.date(), rule_for(session, now.date())), 0)
    for zone in clock.ZONES if zones is None else zones:
        branch_ids = list(session.scalars(select(Branch.id).where(Branch.time_zone == zone)))
        if not branch_ids:
            continue
        today = now.astimezone(clock.zone(zone)).date()
        rule = rule_for(session, today)
        at = next_allowed(now, zone, rule)
        for template, condition in reminder_conditions(today, rule).items():
            stmt = _reminder_select(template, condition, branch_ids, rule, now, at)
            counts[template] += _insert_ignoring_duplicates(session, stmt)
    if sum(counts.values()) >= ANALYZE_AFTER and session.get_bind().dialect.name == "postgresql":
        # the sender's claim is planned on the table's statistics: after a million new rows,
        # autovacuum's would come too late for the first batches
        session.execute(text("ANALYZE notifications"))
    return counts


# --- the agents' morning digest ----------------------------------------------------------------

DIGEST_FROM_HOUR, DIGEST_UNTIL_HOUR = 7, 12  # queued in the morning, local time


def queue_digests(
    session: Session, now: datetime | None = None, zones: tuple[str, ...] | None = None
) -> int:
    """Each active agent's digest of today's visits (due this week, in grace, just ended), once
    a day, in the morning of its branch; none for an agent with nothing to visit. Returns how
    many were queued. Flushes, never commits."""
    now = now or clock.now()
    queued = 0
    for zone in clock.ZONES if zones is None else zones:
        local = now.astimezone(clock.zone(zone))
        if not DIGEST_FROM_HOUR <= local.hour < DIGEST_UNTIL_HOUR:
            continue
        today = local.date()
        rule = rule_for(session, today)
        for agent_id, branch_id, due, grace, ended in _visits(session, zone, today, rule):
            stmt = _digest_insert(session, agent_id, branch_id, today, now, rule)
            params = {"day": today.isoformat(), "due": due, "grace": grace, "ended": ended}
            queued += max(session.execute(stmt.values(params=params)).rowcount, 0)
    return queued


def _visits(session: Session, zone: str, today: date, rule):
    """(agent id, branch id, due, grace, ended) per active agent of the zone's branches with
    anyone to visit: one grouped query."""
    conditions = reminder_conditions(today, rule)
    grace = or_(*(conditions[f"grace_{n}"] for n in range(1, GRACE_MONTHS + 1)))

    def count(condition):
        return func.sum(case((condition, 1), else_=0))

    stmt = (
        select(
            Worker.managed_by_id,
            Wadah.branch_id,
            count(conditions["renewal_due"]),
            count(grace),
            count(conditions["ended"]),
        )
        .join(Agent, Agent.id == Worker.managed_by_id)
        .join(Wadah, Wadah.id == Agent.wadah_id)
        .join(Branch, Branch.id == Wadah.branch_id)
        .where(
            Branch.time_zone == zone,
            Agent.status == "active",
            Worker.died_on.is_(None),
            Worker.anonymised_at.is_(None),
            or_(conditions["renewal_due"], grace, conditions["ended"]),
        )
        .group_by(Worker.managed_by_id, Wadah.branch_id)
        .order_by(Worker.managed_by_id)
    )
    return [tuple(int(v or 0) for v in row) for row in session.execute(stmt)]


def _digest_insert(session: Session, agent_id: int, branch_id: int, today, now, rule):
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return (
        module.insert(Notification.__table__)
        .values(
            key=f"digest:{agent_id}:{today.isoformat()}",
            template="agent_digest",
            agent_id=agent_id,
            branch_id=branch_id,
            language="id",
            state="queued",
            rule_id=rule.id,
            next_attempt_at=now,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .execution_options(preserve_rowcount=True)
    )


# --- receipts --------------------------------------------------------------------------------


def receipt_row(payment: Payment, now: datetime | None = None) -> dict:
    """The outbox row of an accepted payment's receipt."""
    now = now or clock.now()
    return {
        "key": f"receipt:{payment.id}",
        "template": "receipt",
        "payment_id": str(payment.id),
        "worker_id": str(payment.worker_id),
        "branch_id": payment.branch_id,
        "language": "id",
        "state": "queued",
        "next_attempt_at": now,
        "attempts": 0,
        "created_at": now,
        "updated_at": now,
    }


def receipts_insert(dialect: str):
    """INSERT of receipt rows, one already there (the same payment) left alone."""
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(Notification.__table__).on_conflict_do_nothing(index_elements=["key"])


def accepted_now(payment: Payment, is_new: bool, history) -> bool:
    """Whether this flush makes the payment accepted: a new accepted one, or a pending one
    approved (`history`: the `state` attribute's change)."""
    if payment.state != "accepted":
        return False
    return is_new or (bool(history.added) and "pending_approval" in (history.deleted or ()))

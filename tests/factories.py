"""One factory style for every test: plain functions that build rows through the operations."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

from perisai.agents import operations as agents
from perisai.agents.models import Agent, Branch, Wadah
from perisai.auth.models import User
from perisai.auth.operations import create_user

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_branch(session, code=None, region_code="33.25") -> Branch:
    n = next(_seq)
    return agents.create_branch(
        session, code=code or f"KC-{n:04d}", name=f"KC Test {n}", region_code=region_code
    )


def make_wadah(session, branch: Branch, **overrides) -> Wadah:
    n = next(_seq)
    values = {
        "name": f"Wadah {n}",
        "pks_number": f"PKS/{n}",
        "pks_start": date(2026, 1, 1),
        "pks_end": date(2026, 12, 31),
        "bank_name": "BRI",
        "bank_account": f"00{n}",
        "monthly_target": 25,
    }
    return agents.create_wadah(session, branch=branch, **{**values, **overrides})


def make_agent(session, wadah: Wadah, **overrides) -> Agent:
    n = next(_seq)
    values = {
        "agent_code": f"PRS-{n:05d}",
        "full_name": f"Agen {n}",
        "nik": f"3325014507{n:06d}"[:16],
        "phone": f"+62812{n:07d}",
        "joined_on": date(2026, 1, 1),
    }
    return agents.create_agent(session, wadah=wadah, **{**values, **overrides})


def make_user(session, role: str, *, agent=None, branch=None, username=None) -> User:
    return create_user(
        session,
        username=username or f"user{next(_seq)}",
        password=PASSWORD,
        role=role,
        agent=agent,
        branch=branch,
    )


@dataclass
class Org:
    branch: Branch
    other_branch: Branch
    wadah: Wadah
    wadah2: Wadah
    agent: Agent
    agent2: Agent
    other_agent: Agent
    agent_user: User
    agent2_user: User
    other_agent_user: User
    supervisor_user: User
    other_supervisor_user: User
    admin_user: User


def make_regions(session, village_code="33.25.01.2001") -> str:
    """The chain province → regency → district → village for one village code."""
    from perisai.regions.models import Region

    parts = village_code.split(".")
    levels = ("province", "regency", "district", "village")
    for depth in range(1, 5):
        code = ".".join(parts[:depth])
        if session.get(Region, code) is None:
            parent = ".".join(parts[: depth - 1]) or None
            session.add(
                Region(
                    code=code,
                    parent_code=parent,
                    level=levels[depth - 1],
                    name=f"{levels[depth - 1].title()} {code}",
                )
            )
    session.flush()
    return village_code


def make_org(session) -> Org:
    branch, other_branch = make_branch(session), make_branch(session, region_code="33.75")
    make_regions(session, "33.25.01.2001")
    make_regions(session, "33.25.02.2002")
    make_regions(session, "33.75.01.1001")
    wadah, wadah2 = make_wadah(session, branch), make_wadah(session, branch)
    other_wadah = make_wadah(session, other_branch)
    agent, agent2 = make_agent(session, wadah), make_agent(session, wadah2)
    other_agent = make_agent(session, other_wadah)
    org = Org(
        branch=branch,
        other_branch=other_branch,
        wadah=wadah,
        wadah2=wadah2,
        agent=agent,
        agent2=agent2,
        other_agent=other_agent,
        agent_user=make_user(session, "agent", agent=agent),
        agent2_user=make_user(session, "agent", agent=agent2),
        other_agent_user=make_user(session, "agent", agent=other_agent),
        supervisor_user=make_user(session, "supervisor", branch=branch),
        other_supervisor_user=make_user(session, "supervisor", branch=other_branch),
        admin_user=make_user(session, "admin"),
    )
    session.commit()
    return org


def valid_nik(
    n: int | None = None, *, female: bool = False, birth=date(1990, 7, 5), region: str = "332501"
) -> str:
    """A NIK that passes every rule: region, birth day (+40 for women), month, yy, serial."""
    n = next(_seq) if n is None else n
    day = birth.day + (40 if female else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{n % 9999 + 1:04d}"


REGISTERED_LONG_AGO = datetime(2024, 1, 2, 3, 0, tzinfo=UTC)


def make_worker(session, agent: Agent, **overrides):
    """A participant row built directly (not through registration), for other features' tests."""
    import uuid

    from perisai import clock
    from perisai.workers.models import Worker

    n = next(_seq)
    female = overrides.pop("female", False)
    birth = overrides.pop("birth_date", date(1990, 7, 5))
    values = {
        "id": uuid.uuid4(),
        "nik": valid_nik(n, female=female, birth=birth),
        "membership_number": f"{n:010d}"[-10:] + "0",
        "full_name": f"Peserta {n}",
        "birth_date": birth,
        "gender": "F" if female else "M",
        "phone": f"+62813{n:08d}",
        "occupation": "nelayan",
        "sector": "other",
        "income_level": 1_000_000,
        "has_jht": False,
        "funding": "self",
        "village_code": "33.25.01.2001",
        "address": "Jl. Pantai 1",
        "beneficiary_name": "Ahli Waris",
        "beneficiary_relationship": "istri",
        "consent_notice_version": "2026-01",
        "consent_given_at": clock.now(),
        # a position as the phone takes it, each participant some 200 m from the last: none of
        # the enrolment quality signals on positions fires unless a test asks for it
        "lat": -6.9 - (n % 400) * 0.002,
        "lon": 109.6 + (n // 400 % 400) * 0.002,
        "accuracy_m": 15.0,
        "registered_by_id": agent.id,
        "managed_by_id": agent.id,
        "branch_id": agent.wadah.branch_id,
        "request_hash": "factory",
        # Registered long before any payment a test records for it (a paid_on before the
        # registration is refused); a test about registration days sets created_at itself.
        "created_at": REGISTERED_LONG_AGO,
    }
    values = {**values, **overrides}
    # The day it was taken, where a test sets only when it was stored: that day in WIB.
    values.setdefault("registered_on", values["created_at"].astimezone(clock.zone()).date())
    worker = Worker(**values)
    session.add(worker)
    session.flush()
    return worker


def worker_payload(n: int | None = None, **overrides) -> dict:
    """A valid POST /api/v1/workers body (village of make_org, lowest income level)."""
    n = next(_seq) if n is None else n
    female = overrides.pop("female", False)
    body = {
        "nik": valid_nik(n, female=female),
        "full_name": f"Peserta Uji {n}",
        "birth_date": "1990-07-05",
        "gender": "F" if female else "M",
        "phone": f"0813{n:08d}",
        "occupation": "nelayan",
        "income_level": 1_000_000,
        "programs": ["JKK", "JKM"],
        "village_code": "33.25.01.2001",
        "address": "Jl. Pantai Utara No. 1",
        "beneficiary": {"full_name": "Siti", "relationship": "istri", "phone": "081299990000"},
        "consent": {"given": True, "notice_version": "2026-01"},
    }
    return {**body, **overrides}


def record_test_payment(session, worker, paid_on: date, months: int = 1, *, recorded_by=None):
    """A payment through perisai.contributions.payments.record_payment, for the quote on
    `paid_on` (recorded as if that day were today). Returns the Payment."""
    import uuid

    from perisai.contributions.payments import record_payment
    from perisai.contributions.quotes import quote_for_worker

    quote = quote_for_worker(session, worker, months, paid_on)
    data = {
        "id": uuid.uuid4(),
        "months": months,
        "amount": quote.total,
        "paid_on": paid_on,
        "channel": "cash",
    }
    payment, _ = record_payment(
        session, worker=worker, data=data, recorded_by=recorded_by, today=paid_on
    )
    return payment


@contextmanager
def committed_org(engine):
    """make_org committed for real, for tests that race two real connections; afterwards
    every row it (or the test, through its agents) made is deleted, regions included, so the
    shared test database is left as empty as it was found."""
    from sqlalchemy import delete, select, text
    from sqlalchemy.orm import Session

    from perisai.audit.models import AuditEvent
    from perisai.contributions.models import Payment, PaymentMonth, PaymentReversal
    from perisai.regions.models import Region
    from perisai.sync.models import SyncOperation
    from perisai.workers.models import Worker

    with Session(engine) as session:
        regions_before = set(session.scalars(select(Region.code)))
        org = make_org(session)
        users = [
            org.agent_user,
            org.agent2_user,
            org.other_agent_user,
            org.supervisor_user,
            org.other_supervisor_user,
            org.admin_user,
        ]
        user_ids = [u.id for u in users]
        agent_ids = [org.agent.id, org.agent2.id, org.other_agent.id]
        wadah_ids = [org.wadah.id, org.wadah2.id, org.other_agent.wadah_id]
        branch_ids = [org.branch.id, org.other_branch.id]
        new_regions = set(session.scalars(select(Region.code))) - regions_before
    try:
        yield org
    finally:
        with Session(engine) as session:
            workers = select(Worker.id).where(Worker.registered_by_id.in_(agent_ids))
            payments = select(Payment.id).where(Payment.worker_id.in_(workers))
            session.execute(delete(PaymentReversal).where(PaymentReversal.payment_id.in_(payments)))
            session.execute(delete(PaymentMonth).where(PaymentMonth.payment_id.in_(payments)))
            session.execute(delete(Payment).where(Payment.id.in_(payments)))
            session.execute(delete(SyncOperation).where(SyncOperation.user_id.in_(user_ids)))
            session.execute(delete(Worker).where(Worker.registered_by_id.in_(agent_ids)))
            # operations audit themselves now (sync, payments), and audit_events is append-only:
            # its trigger guards the record, not this clean-up of a test's own rows
            if engine.dialect.name == "postgresql":
                session.execute(text("SET LOCAL session_replication_role = replica"))
            session.execute(delete(AuditEvent).where(AuditEvent.user_id.in_(user_ids)))
            if engine.dialect.name == "postgresql":
                session.execute(text("SET LOCAL session_replication_role = origin"))
            session.execute(delete(User).where(User.id.in_(user_ids)))
            session.execute(delete(Agent).where(Agent.id.in_(agent_ids)))
            session.execute(delete(Wadah).where(Wadah.id.in_(wadah_ids)))
            session.execute(delete(Branch).where(Branch.id.in_(branch_ids)))
            # children before parents: longer codes first
            for code in sorted(new_regions, key=len, reverse=True):
                session.execute(delete(Region).where(Region.code == code))
            session.commit()

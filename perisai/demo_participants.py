"""Demo participants with a believable history, so every screen of `make dev` has something to
show: active, prepaid, in grace, ended and never-paid participants, fishers and ojol drivers,
registered and paid through the same operations the API uses."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.auth.permissions import Scope
from perisai.contributions.payments import record_payment
from perisai.contributions.quotes import quote_for_worker
from perisai.months import Month
from perisai.regions.models import Region
from perisai.workers.models import Worker
from perisai.workers.operations import register_worker
from perisai.workers.schemas import WorkerCreateSchema

FIRST_NAMES = (
    "Slamet",
    "Sri",
    "Joko",
    "Wati",
    "Bambang",
    "Endang",
    "Sugeng",
    "Yuli",
    "Darto",
    "Ani",
    "Mulyono",
    "Tri",
    "Ni Luh Putu Ayu",
    "Muhammad",
    "Nur",
    "Eko",
    "Suparmi",
    "Rudi",
    "Kartini",
    "Wahyu",
    "Dewi",
    "Ahmad",
    "Siti",
    "Yusuf",
    "Lestari",
)
LAST_NAMES = (
    "Wibowo",
    "Rahayu",
    "Susilo",
    "Handayani",
    "Saputra",
    "Lestari",
    "Hidayat",
    "Purnomo",
    "Saraswati Dewi",
    "Kurniawan",
    "Setiawati",
    "Nugroho",
    "O'Neil",
    "Prasetya",
    "Maharani",
)
# (occupation, programs, the pattern of payments)
PROFILES = (
    ("nelayan", ["JKK", "JKM"], "monthly"),
    ("pedagang_pasar", ["JKK", "JKM", "JHT"], "prepaid"),
    ("ojek_online", ["JKK", "JKM", "JHT"], "monthly"),
    ("petani", ["JKK", "JKM"], "grace"),
    ("nelayan", ["JKK", "JKM"], "ended"),
    ("juru_parkir", ["JKK", "JKM"], "unpaid"),
    ("sopir_angkot", ["JKK", "JKM"], "prepaid"),
    ("buruh_tani", ["JKK", "JKM"], "monthly"),
)


def add_demo_participants(
    session: Session, agent: Agent, count: int, seed: int, today: date
) -> int:
    villages = _demo_villages(session, agent)
    scope = Scope("agent", agent.id, agent.wadah.branch_id)
    for n in range(count):
        occupation, programs, pattern = PROFILES[(n + seed) % len(PROFILES)]
        nik, body = _worker_body(n, seed, villages, occupation, programs)
        worker = register_worker(session, scope=scope, agent=agent, data=body, today=today).worker
        payments = _payments(pattern, today, n)
        _backdate_registration(worker, payments, today, n)
        _record_history(session, worker, nik, payments)
    return count


def _demo_villages(session: Session, agent: Agent) -> Sequence[str]:
    """The first twelve current villages of the agent's branch region, by code."""
    return session.scalars(
        select(Region.code)
        .where(
            Region.level == "village",
            Region.is_current.is_(True),
            Region.code.startswith(agent.wadah.branch.region_code + "."),
        )
        .order_by(Region.code)
        .limit(12)
    ).all()


def _worker_body(
    n: int, seed: int, villages: Sequence[str], occupation: str, programs: list[str]
) -> tuple[str, dict]:
    """The NIK and the loaded registration body of the n-th demo participant."""
    female = (n + seed) % 2 == 1
    birth = date(1965 + (n * 7 + seed) % 38, 1 + (n + seed) % 12, 1 + (n * 3 + seed) % 28)
    day = birth.day + (40 if female else 0)
    nik = (
        f"{villages[0][:2]}{villages[0][3:5]}{villages[0][6:8]}"
        f"{day:02d}{birth.month:02d}{birth.year % 100:02d}{seed * 100 + n + 1:04d}"
    )
    name = f"{FIRST_NAMES[(n + seed) % len(FIRST_NAMES)]} {LAST_NAMES[n % len(LAST_NAMES)]}"
    body = WorkerCreateSchema().load(
        {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"perisai-demo/{nik}")),
            "nik": nik,
            "full_name": name,
            "birth_date": birth.isoformat(),
            "gender": "F" if female else "M",
            "phone": f"0813{seed:02d}{n:06d}",
            "occupation": occupation,
            "income_level": 1_000_000 + 100_000 * (n % 4),
            "programs": programs,
            "village_code": villages[n % len(villages)],
            "address": f"RT 0{n % 9 + 1}/RW 0{n % 4 + 1}",
            "beneficiary": {
                "full_name": "Ahli Waris " + name.split()[-1],
                "relationship": "suami" if female else "istri",
            },
            "consent": {"given": True, "notice_version": "2026-01"},
            "location": {
                "lat": -6.90 - 0.01 * (n % 10),
                "lon": 109.72 + 0.012 * (n % 9),
                "accuracy_m": 12,
            },
        }
    )
    return nik, body


def _backdate_registration(
    worker: Worker, payments: list[tuple[date, int]], today: date, n: int
) -> None:
    # Registered at the visit where the first payment was taken (or lately, if unpaid).
    visit = payments[0][0] if payments else today - timedelta(days=n % 20)
    worker.created_at = worker.consent_given_at = datetime.combine(
        visit, time(9 + n % 8, 15), tzinfo=UTC
    )
    worker.registered_on = visit


def _record_history(
    session: Session, worker: Worker, nik: str, payments: list[tuple[date, int]]
) -> None:
    """Record each past payment, priced and dated the day it was paid."""
    for paid_on, months in payments:
        quote = quote_for_worker(session, worker, months, paid_on)
        record_payment(
            session,
            worker=worker,
            today=paid_on,  # recorded the day it was paid: history, not a late payment
            data={
                "id": uuid.uuid5(uuid.NAMESPACE_URL, f"perisai-demo/{nik}/{paid_on}"),
                "months": months,
                "amount": quote.total,
                "paid_on": paid_on,
                "channel": "cash",
            },
        )


def _payments(pattern: str, today: date, n: int) -> list[tuple[date, int]]:
    this_month = Month.of(today)

    def day_in(month: Month) -> date:
        return min(month.first_day() + timedelta(days=4 + n % 10), today)

    if pattern == "monthly":  # pays every month since acquisition, 2–7 months ago
        start = this_month - (2 + n % 6)
        return [(day_in(start + i), 1) for i in range(this_month - start + 1)]
    if pattern == "prepaid":  # paid 3 or 6 months in advance recently
        return [(day_in(this_month - 1), 3 if n % 2 else 6)]
    if pattern == "grace":  # stopped paying 1–3 months ago
        last = this_month - (2 + n % 3)
        return [(day_in(last - 1), 1), (day_in(last), 1)]
    if pattern == "ended":  # stopped paying long ago
        return [(day_in(this_month - 8), 1)]
    return []

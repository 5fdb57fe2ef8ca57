"""The demo dataset of API.md: KC Batang, two Wadah, logins admin/supervisor/agent/agent2."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents import operations as agents
from perisai.agents.models import Agent, Branch, Wadah
from perisai.auth.models import User
from perisai.auth.operations import create_user
from perisai.demo_cash import add_demo_cash
from perisai.demo_participants import add_demo_participants
from perisai.regions.operations import load_regions

DEMO_PASSWORD = "perisai-demo"  # noqa: S105 - the published demo login


class NotEmpty(Exception):
    pass


def load_demo(session: Session) -> dict:
    if session.scalar(select(func.count()).select_from(User)):
        raise NotEmpty
    load_regions(session)  # villages for registrations; idempotent
    branch = agents.create_branch(session, code="KC-BATANG", name="KC Batang", region_code="33.25")
    other = agents.create_branch(
        session, code="KC-PEKALONGAN", name="KC Pekalongan", region_code="33.75"
    )
    created = _create_agents(session, *_create_wadah(session, branch, other))
    _create_users(session, branch, other, created)
    today = clock.today()  # the demo branches are in WIB
    participants = sum(
        add_demo_participants(session, agent, count, seed, today)
        for agent, count, seed in ((created[0], 32, 1), (created[1], 16, 2), (created[5], 8, 3))
    )
    cash = add_demo_cash(session, today)
    return {
        "cash_payments": cash,
        "branches": 2,
        "wadah": 3,
        "agents": len(created),
        "users": 6,
        "participants": participants,
    }


def _create_wadah(session: Session, branch: Branch, other: Branch) -> tuple[Wadah, Wadah, Wadah]:
    """Two Wadah in KC Batang (Pantai Utara, Pasar Batang) and one in KC Pekalongan (Kota)."""
    pks = {
        "pks_start": date(2026, 1, 1),
        "pks_end": date(2026, 12, 31),
        "bank_name": "BRI",
        "monthly_target": 50,
    }
    pantai = agents.create_wadah(
        session,
        branch=branch,
        name="Wadah Perisai Pantai Utara",
        pks_number="PKS/KC-BTG/001/2026",
        bank_account="0021-01-000111-50-1",
        **pks,
    )
    pasar = agents.create_wadah(
        session,
        branch=branch,
        name="Wadah Perisai Pasar Batang",
        pks_number="PKS/KC-BTG/002/2026",
        bank_account="0021-01-000222-50-2",
        **pks,
    )
    kota = agents.create_wadah(
        session,
        branch=other,
        name="Wadah Perisai Kota Pekalongan",
        pks_number="PKS/KC-PKL/001/2026",
        bank_account="0021-01-000333-50-3",
        **pks,
    )
    return pantai, pasar, kota


def _create_agents(session: Session, pantai: Wadah, pasar: Wadah, kota: Wadah) -> list[Agent]:
    people = [
        (pantai, "PRS-BTG-0001", "Siti Aminah", "3325014507900001"),
        (pasar, "PRS-BTG-0002", "Budi Santoso", "3325021203880002"),
        (pantai, "PRS-BTG-0003", "Dwi Lestari", "3325015811920003"),
        (pantai, "PRS-BTG-0004", "Agus Prasetyo", "3325010402850004"),
        (pasar, "PRS-BTG-0005", "Rina Wulandari", "3325026306950005"),
        (kota, "PRS-PKL-0001", "Hendra Gunawan", "3375011010870006"),
    ]
    return [
        agents.create_agent(
            session,
            wadah=wadah,
            agent_code=code,
            full_name=name,
            nik=nik,
            phone=f"+62812000000{i}",
            joined_on=date(2026, 1, 15),
        )
        for i, (wadah, code, name, nik) in enumerate(people, start=1)
    ]


def _create_users(session: Session, branch: Branch, other: Branch, created: list[Agent]) -> None:
    """The six demo logins: admin, a supervisor per branch, and three agents."""
    create_user(session, username="admin", password=DEMO_PASSWORD, role="admin")
    create_user(
        session, username="supervisor", password=DEMO_PASSWORD, role="supervisor", branch=branch
    )
    create_user(session, username="agent", password=DEMO_PASSWORD, role="agent", agent=created[0])
    create_user(session, username="agent2", password=DEMO_PASSWORD, role="agent", agent=created[1])
    create_user(
        session, username="agent-pkl", password=DEMO_PASSWORD, role="agent", agent=created[5]
    )
    create_user(
        session, username="supervisor-pkl", password=DEMO_PASSWORD, role="supervisor", branch=other
    )

"""Creating and changing branches, Wadah and agents."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai import text
from perisai.agents.models import Agent, Branch, Wadah
from perisai.errors import field_error


def create_branch(session: Session, *, code: str, name: str, region_code: str) -> Branch:
    text.check(code=code, name=name)
    branch = Branch(code=code, name=name, region_code=region_code)
    session.add(branch)
    session.flush()
    return branch


def pks_period_ok(pks_start: date, pks_end: date) -> bool:
    """DOMAIN.md §1: a PKS runs for at most one year (a leap year's 366 days included)."""
    return pks_start <= pks_end and (pks_end - pks_start).days <= 366


def create_wadah(
    session: Session,
    *,
    branch: Branch,
    name: str,
    pks_number: str,
    pks_start: date,
    pks_end: date,
    bank_name: str,
    bank_account: str,
    monthly_target: int = 0,
) -> Wadah:
    text.check(name=name, pks_number=pks_number, bank_name=bank_name, bank_account=bank_account)
    if not pks_period_ok(pks_start, pks_end):
        raise field_error("pks_end", "agents.pks_period")
    wadah = Wadah(
        branch=branch,
        name=name,
        pks_number=pks_number,
        pks_start=pks_start,
        pks_end=pks_end,
        bank_name=bank_name,
        bank_account=bank_account,
        monthly_target=monthly_target,
    )
    session.add(wadah)
    session.flush()
    return wadah


def create_agent(
    session: Session,
    *,
    wadah: Wadah,
    agent_code: str,
    full_name: str,
    nik: str,
    phone: str,
    joined_on: date,
) -> Agent:
    text.check(agent_code=agent_code, full_name=full_name, nik=nik, phone=phone)
    agent = Agent(
        wadah=wadah,
        agent_code=agent_code,
        full_name=full_name,
        nik=nik,
        phone=phone,
        joined_on=joined_on,
        status="active",
    )
    session.add(agent)
    session.flush()
    return agent


def find_agent(session: Session, agent_code: str) -> Agent | None:
    return session.scalar(select(Agent).where(Agent.agent_code == agent_code))


def find_branch(session: Session, code: str) -> Branch | None:
    return session.scalar(select(Branch).where(Branch.code == code))

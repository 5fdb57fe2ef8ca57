"""perisai.agents.admin: Wadah warnings, Wadah and agent changes, suspension, reinstatement and
dismissal under the standing rules; each refusal leaves the rows as they were."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from perisai.agents import admin
from perisai.agents.models import Agent, AgentStatusChange, Wadah
from perisai.audit.models import AuditEvent
from perisai.auth.operations import verify_password
from perisai.errors import Conflict, ValidationFailed
from tests.factories import make_agent, make_wadah, valid_nik

pytestmark = pytest.mark.today("2026-06-15")
VIA = "POST /supervisor/test"


def wadah_values(**changes):
    values = {
        "name": "Wadah Baru",
        "pks_number": "PKS/NEW/1",
        "pks_start": date(2026, 6, 1),
        "pks_end": date(2027, 5, 31),
        "bank_name": "BNI",
        "bank_account": "0123456789",
        "monthly_target": 30,
    }
    return {**values, **changes}


def agent_values(**changes):
    values = {
        "agent_code": "PRS-T-0001",
        "full_name": "Wati Agen",
        "nik": valid_nik(female=True, birth=date(1995, 3, 2)),
        "phone": "0812 3456 7890",
        "joined_on": date(2026, 6, 1),
        "username": "wati.agen",
        "password": "rahasia-panjang",
    }
    return {**values, **changes}


def test_warnings_for_a_pks_ending_and_too_few_agents(db, org):
    today = date(2026, 6, 15)
    ending = make_wadah(db.session, org.branch, pks_end=date(2026, 7, 10))
    ended = make_wadah(
        db.session, org.branch, pks_start=date(2025, 6, 1), pks_end=date(2026, 5, 31)
    )
    for _ in range(5):
        make_agent(db.session, ended)
    mine = Wadah.branch_id == org.branch.id
    found, total = admin.wadah_rows(db.session, mine, today)
    rows = {r.wadah.id: r for r in found}
    assert total == 4
    assert rows[ending.id].warnings == ["pks_ending", "few_agents"]
    assert rows[ended.id].warnings == ["pks_ended"]
    assert rows[ended.id].active_agents == 5
    assert rows[org.wadah.id].warnings == ["few_agents"]  # ends 31 Dec: far enough
    assert org.other_branch.id not in {r.wadah.branch_id for r in rows.values()}
    second, total = admin.wadah_rows(db.session, mine, today, page=2, page_size=3)
    assert total == 4 and len(second) == 1  # the fourth, by name


def test_a_wadah_is_created_and_changed_within_one_year_of_pks(db, org):
    wadah = admin.save_wadah(
        db.session, values=wadah_values(), by=org.supervisor_user, via=VIA, branch=org.branch
    )
    assert wadah.branch_id == org.branch.id and wadah.monthly_target == 30
    too_long = wadah_values(name="Ganti", pks_end=date(2027, 6, 3))
    with pytest.raises(ValidationFailed) as refused:
        admin.save_wadah(db.session, values=too_long, by=org.supervisor_user, via=VIA, wadah=wadah)
    assert refused.value.errors == {"form": {"pks_end": ["agents.pks_period"]}}
    assert db.session.get(Wadah, wadah.id).name == "Wadah Baru"
    admin.save_wadah(
        db.session, values=wadah_values(name="Ganti"), by=org.supervisor_user, via=VIA, wadah=wadah
    )
    assert wadah.name == "Ganti"
    events = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "wadah", AuditEvent.entity_id == str(wadah.id)
        )
    ).all()
    assert events == ["create", "update"]


def test_a_new_agent_gets_a_login_and_every_problem_is_named(db, org):
    bad = agent_values(
        agent_code=org.agent.agent_code,
        nik="3325010000000000",
        phone="12",
        joined_on=date(2026, 7, 1),
        username=org.agent_user.username,
        password="short",
    )
    with pytest.raises(ValidationFailed) as refused:
        admin.add_agent(
            db.session, wadah=org.wadah, values=bad, by=None, today=date(2026, 6, 15), via=VIA
        )
    assert set(refused.value.errors["form"]) == {
        "agent_code",
        "nik",
        "phone",
        "joined_on",
        "username",
        "password",
    }
    young = agent_values(nik=valid_nik(birth=date(2010, 1, 1)))
    with pytest.raises(ValidationFailed) as refused:
        admin.add_agent(
            db.session, wadah=org.wadah, values=young, by=None, today=date(2026, 6, 15), via=VIA
        )
    assert refused.value.errors["form"] == {"nik": ["agents.too_young|18"]}
    before = db.session.scalar(select(func.count(Agent.id)))
    agent, user = admin.add_agent(
        db.session,
        wadah=org.wadah,
        values=agent_values(),
        by=org.supervisor_user,
        today=date(2026, 6, 15),
        via=VIA,
    )
    assert db.session.scalar(select(func.count(Agent.id))) == before + 1
    assert agent.phone == "+6281234567890" and agent.status == "active"
    assert user.role == "agent" and user.agent_id == agent.id
    assert verify_password(user.password_hash, "rahasia-panjang")


def test_suspend_then_reinstate_only_after_the_rule_months(db, org):
    agent = org.agent
    admin.suspend_agent(db.session, agent, by=org.supervisor_user, via=VIA)
    assert agent.status == "suspended"
    earliest = admin.earliest_reinstatement(db.session, agent, date(2026, 6, 15))
    assert earliest == date(2026, 12, 15)  # reactivation_months = 6
    with pytest.raises(Conflict) as refused:
        admin.reinstate_agent(
            db.session, agent, by=org.supervisor_user, today=date(2026, 12, 14), via=VIA
        )
    assert refused.value.message == "agents.reinstate_early|2026-12-15"
    assert agent.status == "suspended"
    admin.reinstate_agent(
        db.session, agent, by=org.supervisor_user, today=date(2026, 12, 15), via=VIA
    )
    assert agent.status == "active"
    history = [(c.status_from, c.status_to) for c, _ in admin.status_history(db.session, agent)]
    assert sorted(history) == [("active", "suspended"), ("suspended", "active")]


def test_dismissal_needs_a_reason_and_is_final(db, org):
    agent = org.agent
    with pytest.raises(ValidationFailed) as refused:
        admin.dismiss_agent(db.session, agent, reason="other", note="", by=None, via=VIA)
    assert refused.value.errors["form"] == {"note": ["agents.dismiss_note"]}
    assert agent.status == "active"
    admin.dismiss_agent(db.session, agent, reason="fraud", note="", by=org.supervisor_user, via=VIA)
    assert agent.status == "terminated"
    change = db.session.scalars(
        select(AgentStatusChange).where(AgentStatusChange.agent_id == agent.id)
    ).one()
    assert (change.reason, change.changed_by_id) == ("fraud", org.supervisor_user.id)
    with pytest.raises(Conflict):
        admin.reinstate_agent(db.session, agent, by=None, today=date(2027, 6, 15), via=VIA)
    with pytest.raises(Conflict):
        admin.dismiss_agent(db.session, agent, reason="fraud", note="", by=None, via=VIA)

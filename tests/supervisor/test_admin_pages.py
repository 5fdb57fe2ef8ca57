"""The Wadah and agent administration pages: forms refused field by field in both languages with
nothing stored, saved ones redirected and audited, suspension/reinstatement under the standing
rules, dismissal with a reason, reassignment through a confirmation; another branch gets 404."""

from __future__ import annotations

import html as html_text
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from perisai.agents.models import Agent, AgentStatusChange, Wadah
from perisai.audit.models import AuditEvent
from perisai.workers.models import Worker, WorkerChange
from tests.conftest import login
from tests.factories import make_worker, valid_nik, worker_payload

pytestmark = pytest.mark.today("2026-12-10")


def html(response) -> str:
    return response.get_data(as_text=True)


def field_error(page: str, name: str) -> str:
    """The message the page shows under one field."""
    found = re.search(rf'data-error-for="{name}">(.*?)</p>', page, re.S)
    return html_text.unescape(found.group(1)).strip() if found else ""


def audit_actions(db, entity_type: str, entity_id) -> list[str]:
    return db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.id)
    ).all()


WADAH = {
    "name": "Wadah Nelayan Roban",
    "pks_number": "PKS/KC/009/2026",
    "pks_start": "2026-12-01",
    "pks_end": "2027-11-30",
    "bank_name": "BRI",
    "bank_account": "0021-01-000999-50-9",
    "monthly_target": "25",
}


def test_the_wadah_list_warns_of_a_pks_ending_and_too_few_agents(org, as_supervisor):
    page = html(as_supervisor.get("/supervisor/wadah"))
    row = re.search(rf'<tr data-wadah="{org.wadah.id}">(.*?)</tr>', page, re.S).group(1)
    assert "PKS berakhir 31 Des 2026: siapkan perpanjangan" in row  # 21 days left
    assert "Hanya 1 agen aktif (paling sedikit 5)" in row
    assert f'data-wadah="{org.wadah2.id}"' in page
    other = org.other_agent.wadah_id
    assert f'data-wadah="{other}"' not in page  # another branch's Wadah
    english = html(as_supervisor.get("/supervisor/wadah?lang=en"))
    assert "PKS ends Dec 31, 2026: prepare the renewal" in english
    assert "Only 1 active agent (at least 5)" in english
    assert "/supervisor/wadah/new" in page and "/supervisor/agents/new" in page


def test_a_new_wadah_is_refused_field_by_field_then_created(db, org, as_supervisor):
    before = db.session.scalar(select(func.count(Wadah.id)))
    form = {"csrf_token": as_supervisor.csrf_token}
    empty = as_supervisor.client.post("/supervisor/wadah/new", data=form)
    assert empty.status_code == 422
    for name in ("name", "pks_number", "pks_start", "pks_end", "bank_account"):
        assert field_error(html(empty), name) == "Wajib diisi.", name
    too_long = {**form, **WADAH, "pks_end": "2027-12-05", "bank_account": "12ab"}
    refused = as_supervisor.client.post("/supervisor/wadah/new?lang=en", data=too_long)
    assert refused.status_code == 422
    assert "An account number holds digits only" in field_error(html(refused), "bank_account")
    refused = as_supervisor.client.post(
        "/supervisor/wadah/new?lang=id", data={**form, **WADAH, "pks_end": "2027-12-05"}
    )
    assert field_error(html(refused), "pks_end") == "Masa PKS paling lama 1 tahun."
    assert 'value="Wadah Nelayan Roban"' in html(refused)  # what was typed stays
    english = as_supervisor.client.post(
        "/supervisor/wadah/new?lang=en", data={**form, **WADAH, "pks_end": "2027-12-05"}
    )
    assert field_error(html(english), "pks_end") == "A PKS lasts at most one year."
    assert db.session.scalar(select(func.count(Wadah.id))) == before  # nothing stored

    saved = as_supervisor.client.post("/supervisor/wadah/new", data={**form, **WADAH})
    assert saved.status_code == 302
    wadah = db.session.scalars(select(Wadah).where(Wadah.name == WADAH["name"])).one()
    assert wadah.branch_id == org.branch.id and wadah.pks_end == date(2027, 11, 30)
    assert saved.headers["Location"].endswith(f"/supervisor/wadah/{wadah.id}?done=wadah_created")
    shown = html(as_supervisor.get(saved.headers["Location"] + "&lang=id"))
    assert "Wadah dibuat." in shown and "Hanya 0 agen aktif" in shown
    assert "BRI · 0021-01-000999-50-9" in shown
    assert audit_actions(db, "wadah", wadah.id) == ["create"]


def test_a_wadah_is_edited_and_another_branch_gets_404(db, org, as_supervisor, as_other_supervisor):
    url = f"/supervisor/wadah/{org.wadah.id}/edit"
    page = html(as_supervisor.get(url))
    assert f'value="{org.wadah.name}"' in page and 'value="2026-12-31"' in page
    changed = {
        "csrf_token": as_supervisor.csrf_token,
        **WADAH,
        "name": "Wadah Diganti",
        "monthly_target": "40",
    }
    saved = as_supervisor.client.post(url, data=changed)
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Wadah, org.wadah.id).monthly_target == 40
    assert audit_actions(db, "wadah", org.wadah.id) == ["update"]

    assert as_other_supervisor.get(url).status_code == 404
    assert as_other_supervisor.get(f"/supervisor/wadah/{org.wadah.id}").status_code == 404
    theirs = {**changed, "csrf_token": as_other_supervisor.csrf_token, "name": "Dibajak"}
    assert as_other_supervisor.client.post(url, data=theirs).status_code == 404
    db.session.expire_all()
    assert db.session.get(Wadah, org.wadah.id).name == "Wadah Diganti"


def agent_form(client, **changes):
    values = {
        "csrf_token": client.csrf_token,
        "wadah": "",
        "agent_code": "prs-btg-0099",
        "full_name": "Wati Prasetya",
        "nik": valid_nik(female=True, birth=date(1994, 2, 3)),
        "phone": "0812-7777-1234",
        "joined_on": "2026-12-01",
        "username": "wati.prasetya",
        "password": "kata-sandi-awal",
    }
    return {**values, **changes}


def test_a_new_agent_gets_a_login_it_signs_in_with(app, db, org, as_supervisor):
    before = db.session.scalar(select(func.count(Agent.id)))
    bad = agent_form(
        as_supervisor, wadah=str(org.wadah.id), nik="3325010000000000", password="pendek"
    )
    refused = as_supervisor.client.post("/supervisor/agents/new", data=bad)
    assert refused.status_code == 422
    page = html(refused)
    nik = field_error(page, "nik")  # every problem of the NIK, not only the first
    assert "tidak boleh 0000" in nik and "Tanggal lahir pada NIK tidak valid" in nik
    assert field_error(page, "password") == "Kata sandi paling sedikit 10 karakter."
    english = html(as_supervisor.client.post("/supervisor/agents/new?lang=en", data=bad))
    assert field_error(english, "password") == "The password needs at least 10 characters."
    assert "may not be 0000" in field_error(english, "nik")
    assert "Birth day in the NIK is invalid" in field_error(english, "nik")
    other_wadah = agent_form(as_supervisor, wadah=str(org.other_agent.wadah_id))
    refused = as_supervisor.client.post("/supervisor/agents/new", data=other_wadah)
    assert refused.status_code == 422 and field_error(html(refused), "wadah")
    assert db.session.scalar(select(func.count(Agent.id))) == before

    saved = as_supervisor.client.post(
        "/supervisor/agents/new", data=agent_form(as_supervisor, wadah=str(org.wadah.id))
    )
    assert saved.status_code == 302, html(saved)[:400]
    assert saved.headers["Location"].endswith("/supervisor/agents/PRS-BTG-0099?done=agent_created")
    agent = db.session.scalars(select(Agent).where(Agent.agent_code == "PRS-BTG-0099")).one()
    assert agent.phone == "+6281277771234" and agent.wadah_id == org.wadah.id
    shown = html(as_supervisor.get(saved.headers["Location"] + "&lang=id"))
    assert "Agen dan akun masuknya dibuat" in shown and "wati.prasetya" in shown
    assert agent.nik not in shown  # masked on the page
    assert audit_actions(db, "agent", "PRS-BTG-0099") == ["create"]
    signed_in = login(app, "wati.prasetya", "kata-sandi-awal")
    assert signed_in.user["agent_code"] == "PRS-BTG-0099"


def test_an_agent_is_edited_within_the_branch(db, org, as_supervisor, as_other_supervisor):
    url = f"/supervisor/agents/{org.agent.agent_code}/edit"
    form = {
        "csrf_token": as_supervisor.csrf_token,
        "full_name": "Nama Baru",
        "phone": "12",
        "wadah": str(org.wadah2.id),
    }
    refused = as_supervisor.client.post(url + "?lang=en", data=form)
    assert refused.status_code == 422
    assert field_error(html(refused), "phone")
    db.session.expire_all()
    assert db.session.get(Agent, org.agent.id).full_name != "Nama Baru"
    saved = as_supervisor.client.post(url, data={**form, "phone": "081299990000"})
    assert saved.status_code == 302
    db.session.expire_all()
    agent = db.session.get(Agent, org.agent.id)
    assert (agent.full_name, agent.wadah_id) == ("Nama Baru", org.wadah2.id)
    assert as_other_supervisor.get(url).status_code == 404
    assert audit_actions(db, "agent", org.agent.agent_code) == ["update"]


@pytest.mark.today("2026-06-15")
def test_suspend_then_reinstate_is_refused_with_the_date(app, db, org, as_supervisor, as_agent):
    base = f"/supervisor/agents/{org.agent.agent_code}"
    form = {"csrf_token": as_supervisor.csrf_token}
    suspended = as_supervisor.client.post(base + "/suspend", data=form)
    assert suspended.status_code == 302
    page = html(as_supervisor.get(suspended.headers["Location"]))
    assert "Agen dinonaktifkan sementara." in page
    assert "Dapat diaktifkan kembali mulai 15 Des 2026." in page
    early = as_supervisor.client.post(base + "/reinstate", data=form)
    assert early.status_code == 409
    assert "baru dapat diaktifkan kembali mulai 15 Des 2026" in html(early)
    english = as_supervisor.client.post(base + "/reinstate?lang=en", data=form)
    assert "can be reinstated from Dec 15, 2026 only" in html(english)
    db.session.expire_all()
    assert db.session.get(Agent, org.agent.id).status == "suspended"
    # the suspended agent reads but writes nothing
    assert as_agent.get("/api/v1/workers").status_code == 200
    write = as_agent.post("/api/v1/workers", json=worker_payload())
    assert write.status_code == 403 and write.get_json()["agent_status"] == "suspended"
    assert audit_actions(db, "agent", org.agent.agent_code) == ["suspend"]


def test_dismiss_with_a_reason_then_reassign_through_a_confirmation(
    db, org, as_supervisor, as_agent
):
    people = [make_worker(db.session, org.agent, full_name=f"Peserta {n}") for n in range(3)]
    db.session.commit()
    base = f"/supervisor/agents/{org.agent.agent_code}"
    confirm = html(as_supervisor.get(base + "/dismiss"))
    assert "Agen ini mengelola 3 peserta" in confirm
    form = {"csrf_token": as_supervisor.csrf_token}
    refused = as_supervisor.client.post(base + "/dismiss", data=form)
    assert refused.status_code == 422 and field_error(html(refused), "reason") == "Wajib diisi."
    other = as_supervisor.client.post(base + "/dismiss?lang=en", data={**form, "reason": "other"})
    assert field_error(html(other), "note") == 'Write the reason when choosing "other".'
    db.session.expire_all()
    assert db.session.get(Agent, org.agent.id).status == "active"
    done = as_supervisor.client.post(base + "/dismiss", data={**form, "reason": "fraud"})
    assert done.status_code == 302
    page = html(as_supervisor.get(done.headers["Location"] + "&lang=id"))
    assert "Agen diberhentikan." in page
    assert "masih mengelola 3 peserta" in page and f"{base}/reassign" in page
    change = db.session.scalars(select(AgentStatusChange)).one()
    assert (change.status_to, change.reason) == ("terminated", "fraud")
    write = as_agent.post("/api/v1/workers", json=worker_payload())
    assert write.status_code == 403 and write.get_json()["agent_status"] == "terminated"

    chosen = {**form, "to_agent_code": org.agent2.agent_code, "which": "chosen"}
    nothing = as_supervisor.client.post(base + "/reassign", data=chosen)
    assert field_error(html(nothing), "worker_ids") == "Centang paling sedikit satu peserta."
    two = {**chosen, "worker_ids": [str(people[0].id), str(people[1].id)], "action": "preview"}
    preview = as_supervisor.client.post(base + "/reassign", data=two)
    assert preview.status_code == 200
    text = re.search(r'id="confirm-text"[^>]*>(.*?)</p>', html(preview), re.S).group(1)
    assert f"Pindahkan 2 peserta dari {org.agent.full_name}" in text
    assert f"{org.agent2.full_name} ({org.agent2.agent_code})" in text
    db.session.expire_all()
    assert db.session.get(Worker, people[0].id).managed_by_id == org.agent.id  # not yet
    moved = as_supervisor.client.post(base + "/reassign", data={**two, "action": "confirm"})
    assert moved.status_code == 302
    assert "2 peserta dialihkan." in html(as_supervisor.get(moved.headers["Location"]))
    db.session.expire_all()
    managers = {w.id: db.session.get(Worker, w.id).managed_by_id for w in people}
    assert managers == {
        people[0].id: org.agent2.id,
        people[1].id: org.agent2.id,
        people[2].id: org.agent.id,
    }
    rest = {**form, "to_agent_code": org.agent2.agent_code, "which": "all", "action": "confirm"}
    assert as_supervisor.client.post(base + "/reassign", data=rest).status_code == 302
    db.session.expire_all()
    assert db.session.get(Worker, people[2].id).managed_by_id == org.agent2.id
    kinds = db.session.scalars(
        select(WorkerChange.kind).where(WorkerChange.worker_id.in_([w.id for w in people]))
    ).all()
    assert kinds == ["reassign"] * 3
    assert audit_actions(db, "agent", org.agent.agent_code) == ["dismiss"]


def test_the_reassign_target_must_be_an_active_agent_of_the_branch(db, org, as_supervisor):
    make_worker(db.session, org.agent)
    db.session.commit()
    base = f"/supervisor/agents/{org.agent.agent_code}/reassign"
    page = html(as_supervisor.get(base))
    assert org.agent2.agent_code in page and org.other_agent.agent_code not in page
    read = db.session.scalars(
        select(AuditEvent).where(AuditEvent.route == "GET /supervisor/agents/<agent_code>/reassign")
    ).one()  # the participants' names it lists are an audited read
    assert (read.action, read.user_id) == ("list", org.supervisor_user.id)
    form = {"csrf_token": as_supervisor.csrf_token, "which": "all", "action": "confirm"}
    refused = as_supervisor.client.post(
        base + "?lang=en", data={**form, "to_agent_code": org.other_agent.agent_code}
    )
    assert refused.status_code == 422
    unknown = "No agent with this code in the same branch."
    assert field_error(html(refused), "to_agent_code") == unknown
    missing = as_supervisor.client.post(base + "?lang=id", data=form)
    assert field_error(html(missing), "to_agent_code") == "Pilih agen tujuan."
    assert db.session.scalar(select(func.count(WorkerChange.id))) == 0


def test_another_branch_gets_404_on_every_action(db, org, as_other_supervisor):
    base = f"/supervisor/agents/{org.agent.agent_code}"
    form = {"csrf_token": as_other_supervisor.csrf_token, "reason": "fraud"}
    for path in ("", "/edit", "/dismiss", "/reassign"):
        assert as_other_supervisor.get(base + path).status_code == 404, path
    for path in ("/suspend", "/reinstate", "/dismiss", "/reassign", "/edit"):
        assert as_other_supervisor.client.post(base + path, data=form).status_code == 404, path
    new_agent = agent_form(as_other_supervisor, wadah=str(org.wadah.id))
    refused = as_other_supervisor.client.post("/supervisor/agents/new", data=new_agent)
    assert refused.status_code == 422 and field_error(html(refused), "wadah")
    db.session.expire_all()
    assert db.session.get(Agent, org.agent.id).status == "active"
    assert db.session.scalar(select(func.count(AgentStatusChange.id))) == 0


def test_a_form_without_its_csrf_token_changes_nothing(db, org, as_supervisor):
    response = as_supervisor.client.post(f"/supervisor/agents/{org.agent.agent_code}/suspend")
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Agent, org.agent.id).status == "active"


def test_an_admin_chooses_the_branch_of_a_new_wadah(db, org, as_admin):
    form = {"csrf_token": as_admin.csrf_token, **WADAH}
    refused = as_admin.client.post("/supervisor/wadah/new", data=form)
    assert refused.status_code == 422 and field_error(html(refused), "branch") == "Wajib diisi."
    saved = as_admin.client.post(
        "/supervisor/wadah/new", data={**form, "branch": str(org.other_branch.id)}
    )
    assert saved.status_code == 302
    wadah = db.session.scalars(select(Wadah).where(Wadah.name == WADAH["name"])).one()
    assert wadah.branch_id == org.other_branch.id


def test_the_demo_wadah_is_warned_of_both(app, db):
    """The issue's case: the demo Wadah has 3 agents and its PKS ends this month."""
    from perisai.cli import demo_command

    assert app.test_cli_runner().invoke(demo_command).exit_code == 0
    supervisor = login(app, "supervisor", "perisai-demo")
    pantai = db.session.scalars(select(Wadah).where(Wadah.name.like("%Pantai Utara"))).one()
    page = html(supervisor.get("/supervisor/wadah?lang=id"))
    row = re.search(rf'<tr data-wadah="{pantai.id}">(.*?)</tr>', page, re.S).group(1)
    assert "PKS berakhir 31 Des 2026: siapkan perpanjangan" in row
    assert "Hanya 3 agen aktif (paling sedikit 5)" in row

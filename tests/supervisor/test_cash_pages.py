"""The supervisor's cash pages (/supervisor/cash…): the agents' cash with the blocked agents
marked, the queue (pair or dismiss a line, confirm or reject a deposit, each with a reason) and
the statement upload, in both languages; another branch gets 404; the same operations as the
API, audited."""

from __future__ import annotations

import html as html_text
import io
import re
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from perisai.audit.models import AuditEvent
from perisai.cash.models import Deposit, SettlementStatement, StatementLine
from tests.cash.conftest import MONTHLY, deposit, pay, statement
from tests.factories import make_worker

pytestmark = pytest.mark.today("2026-12-10")


@pytest.fixture
def workers(db, org):
    """Participants of the supervisor's branch, managed by its first agent."""
    made = [make_worker(db.session, org.agent, funding="apbd") for _ in range(4)]
    db.session.commit()
    return made


def html(response) -> str:
    return html_text.unescape(response.get_data(as_text=True))


def row_of(page: str, agent_code: str) -> str:
    found = re.search(rf'<tr data-agent="{agent_code}"[^>]*>.*?</tr>', page, re.S)
    assert found, f"no row for {agent_code}"
    return found.group(0)


def audited(db, entity_type: str, entity_id) -> list[str]:
    return db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id)
        )
    ).all()


def slip_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 200, 200)).save(out, "JPEG")
    return out.getvalue()


def test_the_agents_cash_page_marks_the_blocked_agents(org, as_agent, as_supervisor, workers):
    pay(as_agent, workers[0], 2, paid_on=date(2026, 12, 6))  # 4 days old: over 3 days
    page = html(as_supervisor.get("/supervisor/cash"))
    mine = row_of(page, org.agent.agent_code)
    assert 'class="blocked"' in mine and 'data-blocked="age"' in mine
    assert "Diblokir: kas terlalu lama" in mine and "Rp 33.600" in mine
    assert f'href="/supervisor/agents/{org.agent.agent_code}' in mine
    assert "Boleh menerima tunai" in row_of(page, org.agent2.agent_code)
    assert org.other_agent.agent_code not in page  # another branch's agent
    english = html(as_supervisor.get("/supervisor/cash?lang=en"))
    assert "Agents' cash" in english and "Blocked: cash held too long" in english
    assert "Rp 33,600" in row_of(english, org.agent.agent_code)
    assert 'href="/supervisor/cash"' in html(as_supervisor.get("/supervisor/"))  # navigation


def test_an_admin_chooses_the_branch_first(org, as_agent, as_admin, workers):
    pay(as_agent, workers[0], 1)
    country = html(as_admin.get("/supervisor/cash?lang=id"))
    assert 'id="choose-branch"' in country and org.agent.agent_code not in country
    assert f'<option value="{org.branch.id}"' in country
    chosen = html(as_admin.get(f"/supervisor/cash?branch={org.branch.id}"))
    assert "Rp 16.800" in row_of(chosen, org.agent.agent_code)
    assert org.other_agent.agent_code not in chosen
    assert as_admin.get("/supervisor/cash?branch=999999").status_code == 422


def test_the_oldest_cash_first(db, org, as_agent, as_agent2, as_supervisor, workers):
    theirs = make_worker(db.session, org.agent2, funding="apbd")
    db.session.commit()
    pay(as_agent, workers[0], 3)
    pay(as_agent2, theirs, 1, paid_on=date(2026, 12, 8))
    most = html(as_supervisor.get("/supervisor/cash"))
    assert most.index(org.agent.agent_code) < most.index(org.agent2.agent_code)
    oldest = html(as_supervisor.get("/supervisor/cash?sort=unsettled_since"))
    assert oldest.index(org.agent2.agent_code) < oldest.index(org.agent.agent_code)
    assert as_supervisor.get("/supervisor/cash?sort=name").status_code == 422


def test_another_branch_sees_none_of_it(org, as_agent, as_supervisor, as_other_supervisor, workers):
    pay(as_agent, workers[0], 1)
    made = deposit(as_agent, MONTHLY, "VA-1", date(2026, 12, 5))
    result = statement(as_supervisor, [("2026-12-10", "XX-1", 9_000)])
    line_id = result["unmatched"][0]["id"]
    page = html(as_other_supervisor.get("/supervisor/cash"))
    assert org.agent.agent_code not in page and org.other_agent.agent_code in page
    queue = html(as_other_supervisor.get("/supervisor/cash/queue"))
    assert "XX-1" not in queue and made["id"] not in queue
    assert as_other_supervisor.get(f"/supervisor/cash/statements/{result['id']}").status_code == 404
    form = {"csrf_token": as_other_supervisor.csrf_token, "note": "not ours", "back": "queue"}
    post = as_other_supervisor.client.post
    line = post(f"/supervisor/cash/lines/{line_id}/resolve", data={**form, "decision": "dismiss"})
    assert line.status_code == 404
    confirm = {**form, "decision": "confirm"}
    assert post(f"/supervisor/cash/deposits/{made['id']}/resolve", data=confirm).status_code == 404


def test_a_line_is_paired_with_a_waiting_deposit_and_settles_the_cash(
    db, org, as_agent, as_supervisor, workers
):
    paid = pay(as_agent, workers[0], 1)
    made = deposit(as_agent, MONTHLY, "VA-400")
    statement(as_supervisor, [("2026-12-10", "VA-4OO", MONTHLY), ("2026-12-10", "ZZ", 5_000)])
    queue = html(as_supervisor.get("/supervisor/cash/queue"))
    [line] = db.session.scalars(select(StatementLine).where(StatementLine.reference == "VA-4OO"))
    item = re.search(
        rf'<article class="queue-item" data-line="{line.id}">.*?</article>', queue, re.S
    )
    assert item and f'value="{made["id"]}"' in item.group(0)  # the deposit of the same amount
    assert "Tidak ada setoran menunggu dengan jumlah ini." in queue  # none of 5.000
    form = {"csrf_token": as_supervisor.csrf_token, "back": "queue", "decision": "pair"}
    url = f"/supervisor/cash/lines/{line.id}/resolve"
    refused = as_supervisor.client.post(url, data={**form, "deposit_id": made["id"]})
    assert refused.status_code == 422 and "Wajib diisi." in html(refused)
    english = as_supervisor.client.post(url + "?lang=en", data={**form, "note": "x"})
    assert english.status_code == 422 and "3" in html(english)
    done = as_supervisor.client.post(
        url, data={**form, "deposit_id": made["id"], "note": "huruf O untuk angka 0"}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("done=paired")
    shown = html(as_supervisor.get(done.headers["Location"] + "&lang=id"))
    assert "Baris dipasangkan" in shown and "VA-4OO" not in shown
    db.session.expire_all()
    assert db.session.get(StatementLine, line.id).state == "paired"
    assert as_agent.get(f"/api/v1/payments/{paid['id']}").get_json()["settled"] is True
    assert audited(db, "statement_line", line.id) == ["pair"]
    again = as_supervisor.client.post(url, data={**form, "decision": "dismiss", "note": "again"})
    assert again.status_code == 409 and "Sudah diputuskan sebelumnya" in html(again)


def test_a_line_is_dismissed_with_a_reason(db, org, as_supervisor):
    statement(as_supervisor, [("2026-12-10", "BUNGA BANK", 1_250)])
    [line] = db.session.scalars(select(StatementLine))
    done = as_supervisor.client.post(
        f"/supervisor/cash/lines/{line.id}/resolve",
        data={
            "csrf_token": as_supervisor.csrf_token,
            "back": "queue",
            "decision": "dismiss",
            "note": "bunga bank, bukan setoran agen",
        },
    )
    assert done.status_code == 302
    db.session.expire_all()
    line = db.session.get(StatementLine, line.id)
    assert line.state == "dismissed" and line.resolution_note == "bunga bank, bukan setoran agen"
    assert audited(db, "statement_line", line.id) == ["dismiss"]


def test_deposits_are_confirmed_or_rejected_with_the_slip_at_hand(
    db, org, as_agent, as_supervisor, workers
):
    pay(as_agent, workers[0], 1, paid_on=date(2026, 12, 4))
    pay(as_agent, workers[1], 1, paid_on=date(2026, 12, 4))
    checked = deposit(as_agent, MONTHLY, "LOKET-1", date(2026, 12, 5))
    missing = deposit(as_agent, MONTHLY, "LOKET-2", date(2026, 12, 6))
    photo = as_agent.put(
        f"/api/v1/cash/deposits/{checked['id']}/photo",
        data=slip_jpeg(),
        headers={"Content-Type": "image/jpeg"},
    )
    assert photo.status_code == 204
    queue = html(as_supervisor.get("/supervisor/cash/queue"))
    assert f'href="/api/v1/cash/deposits/{checked["id"]}/photo"' in queue
    assert as_supervisor.get(f"/api/v1/cash/deposits/{checked['id']}/photo").status_code == 200
    form = {"csrf_token": as_supervisor.csrf_token, "back": "queue"}
    base = "/supervisor/cash/deposits/{}/resolve"
    confirmed = as_supervisor.client.post(
        base.format(checked["id"]),
        data={**form, "decision": "confirm", "note": "slip dicek di buku loket"},
    )
    assert confirmed.status_code == 302 and confirmed.headers["Location"].endswith("=confirmed")
    no_reason = as_supervisor.client.post(
        base.format(missing["id"]), data={**form, "decision": "reject"}
    )
    assert no_reason.status_code == 422
    rejected = as_supervisor.client.post(
        base.format(missing["id"]),
        data={**form, "decision": "reject", "note": "tidak ada di rekening"},
    )
    assert rejected.status_code == 302
    shown = html(as_supervisor.get(rejected.headers["Location"] + "&lang=en"))
    assert "Deposit rejected" in shown
    db.session.expire_all()
    assert db.session.get(Deposit, checked["id"]).state == "confirmed"
    assert db.session.get(Deposit, missing["id"]).state == "rejected"
    assert audited(db, "deposit", checked["id"])[-1] == "confirm"
    cash = row_of(html(as_supervisor.get("/supervisor/cash?lang=id")), org.agent.agent_code)
    assert "Rp 16.800" in cash  # the rejected deposit's money is in hand again


def test_a_statement_is_uploaded_through_the_page(db, org, as_agent, as_supervisor, workers):
    pay(as_agent, workers[0], 1)
    deposit(as_agent, MONTHLY, "VA-700")
    upload = html(as_supervisor.get("/supervisor/cash/statements"))
    assert 'name="format"' in upload and "BRI (BRIVA)" in upload
    assert 'name="branch"' not in upload  # a supervisor's statement is its branch's
    csv = b"date,reference,amount\n2026-12-10,VA 700,16800\n2026-12-10,TRF LAIN,99000\n"
    form = {"csrf_token": as_supervisor.csrf_token, "format": "standard"}
    done = as_supervisor.client.post(
        "/supervisor/cash/statements",
        data={**form, "file": (io.BytesIO(csv), "mutasi.csv")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302, html(done)[:300]
    page = html(as_supervisor.get(done.headers["Location"]))
    assert "Rekening koran diunggah dan dicocokkan." in page
    assert 'data-count="matched">1<' in page and 'data-count="unmatched">1<' in page
    assert "TRF LAIN" in page and "VA 700" not in page
    again = as_supervisor.client.post(
        "/supervisor/cash/statements",
        data={**form, "file": (io.BytesIO(csv), "mutasi.csv")},
        content_type="multipart/form-data",
    )
    assert again.headers["Location"].endswith("done=again")
    listed = html(as_supervisor.get("/supervisor/cash/statements"))
    assert "mutasi.csv" in listed
    assert db.session.scalar(select(SettlementStatement.matched)) == 1


def test_a_refused_upload_says_why(as_supervisor, as_admin, org):
    form = {"csrf_token": as_supervisor.csrf_token, "format": "standard"}
    empty = as_supervisor.client.post(
        "/supervisor/cash/statements", data=form, content_type="multipart/form-data"
    )
    assert empty.status_code == 422 and "Unggah berkas rekening koran (CSV)." in html(empty)
    bad = as_supervisor.client.post(
        "/supervisor/cash/statements?lang=en",
        data={**form, "file": (io.BytesIO(b"tanggal,ket\n1,2\n"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "date" in html(bad)
    admin = as_admin.client.post(
        "/supervisor/cash/statements",
        data={
            "csrf_token": as_admin.csrf_token,
            "file": (io.BytesIO(b"date,reference,amount\n"), "x.csv"),
        },
        content_type="multipart/form-data",
    )
    assert admin.status_code == 422  # two branches: the admin names one
    assert 'name="branch"' in html(as_admin.get("/supervisor/cash/statements"))


def test_a_form_without_the_sessions_token_is_refused(db, as_supervisor):
    statement(as_supervisor, [("2026-12-10", "BUNGA", 1_000)])
    [line] = db.session.scalars(select(StatementLine))
    refused = as_supervisor.client.post(
        f"/supervisor/cash/lines/{line.id}/resolve",
        data={"decision": "dismiss", "note": "tanpa token", "back": "queue"},
    )
    assert refused.status_code == 403
    db.session.expire_all()
    assert db.session.get(StatementLine, line.id).state == "unmatched"


def test_the_leaderboard_shows_the_settlement_rate(org, as_agent, as_supervisor, workers):
    pay(as_agent, workers[0], 1)
    pay(as_agent, workers[1], 1)
    deposit(as_agent, MONTHLY, "VA-9")
    statement(as_supervisor, [("2026-12-10", "VA-9", MONTHLY)])
    page = html(as_supervisor.get("/supervisor/agents?month=2026-12"))
    assert "Kas tuntas" in page
    assert re.search(r"data-settlement>50,0%<", row_of(page, org.agent.agent_code))
    assert re.search(r"data-settlement>–<", row_of(page, org.agent2.agent_code))

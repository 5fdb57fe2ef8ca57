"""The supervisor's task pages: card printing (queue, preview, print, revoke), participant search
and profile (an audited read), renewal follow-up and its exports. Real requests, real PDFs."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pypdf
import pytest
from sqlalchemy import func, select

from perisai.audit.models import AuditEvent
from perisai.cards.models import Card, CardPrint
from perisai.months import Month
from perisai.workers.models import WorkerChange
from tests.factories import make_worker

pytestmark = pytest.mark.today("2026-06-15")


@pytest.fixture
def people(db, org):
    """Two participants of the supervisor's branch, one of the other branch."""
    mine = make_worker(db.session, org.agent, full_name="Siti Aminah", covered_until=Month(2026, 6))
    late = make_worker(
        db.session, org.agent2, full_name="Budi Santoso", covered_until=Month(2026, 4)
    )
    theirs = make_worker(db.session, org.other_agent, full_name="Sari Lain")
    db.session.commit()
    return mine, late, theirs


def pdf_pages(data: bytes) -> int:
    assert data.startswith(b"%PDF")
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_print_queue_prints_records_and_revokes(db, org, people, as_supervisor):
    mine = people[0]
    queue = as_supervisor.get("/supervisor/cards").get_data(as_text=True)
    assert "Siti Aminah" in queue and "Budi Santoso" in queue
    assert "Sari Lain" not in queue  # another branch's participant
    form = {"csrf_token": as_supervisor.csrf_token, "worker_ids": [str(mine.id)]}

    preview = as_supervisor.client.post(
        "/supervisor/cards/print", data={**form, "action": "preview"}
    )
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    assert pdf_pages(preview.data) == 1
    assert db.session.scalar(select(func.count(Card.id))) == 0  # a preview records nothing

    printed = as_supervisor.client.post(
        "/supervisor/cards/print", data={**form, "action": "print", "back": "1"}
    )
    assert printed.status_code == 200, printed.get_data(as_text=True)[:500]
    assert pdf_pages(printed.data) == 2  # the front sheet and the back sheet
    card = db.session.scalars(select(Card).where(Card.worker_id == mine.id)).one()
    assert db.session.scalar(select(func.count(CardPrint.id))) == 1

    queue = as_supervisor.get("/supervisor/cards").get_data(as_text=True)
    assert "Budi Santoso" in queue.split('id="print-log"')[0]
    assert "Siti Aminah" not in queue.split('id="print-log"')[0]  # printed: out of the queue
    assert "Siti Aminah" in queue.split('id="print-log"')[1]  # and in the print log

    again = as_supervisor.client.post("/supervisor/cards/print", data={**form, "action": "print"})
    assert again.status_code == 200 and pdf_pages(again.data) == 1
    assert db.session.scalar(select(func.count(CardPrint.id))) == 2  # a reprint is recorded too
    assert db.session.scalar(select(func.count(Card.id))) == 1  # of the same card

    revoke = {"csrf_token": as_supervisor.csrf_token, "serial": str(card.id)}
    no_reason = as_supervisor.client.post("/supervisor/cards/revoke", data=revoke)
    assert no_reason.status_code == 422
    assert "Pilih alasan pencabutan." in no_reason.get_data(as_text=True)
    other = as_supervisor.client.post(
        "/supervisor/cards/revoke?lang=en", data={**revoke, "reason": "other", "note": "x"}
    )
    assert other.status_code == 422
    assert "Must be 3 to 150 characters long." in other.get_data(as_text=True)
    done = as_supervisor.client.post("/supervisor/cards/revoke", data={**revoke, "reason": "lost"})
    assert done.status_code == 302 and "done=revoked" in done.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Card, card.id).status == "revoked"
    replaced = as_supervisor.get("/supervisor/cards?show=replaced").get_data(as_text=True)
    assert "Siti Aminah" in replaced.split('id="print-log"')[0]


def test_no_one_prints_another_branchs_participant(db, org, people, as_supervisor):
    _, _, theirs = people
    response = as_supervisor.client.post(
        "/supervisor/cards/print",
        data={"csrf_token": as_supervisor.csrf_token, "worker_ids": [str(theirs.id)]},
    )
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert db.session.scalar(select(func.count(Card.id))) == 0
    nothing = as_supervisor.client.post(
        "/supervisor/cards/print?lang=en",
        data={"csrf_token": as_supervisor.csrf_token, "action": "print"},
    )
    assert nothing.status_code == 422
    assert "Choose at least one participant." in nothing.get_data(as_text=True)


def test_search_masks_the_nik_and_the_profile_is_an_audited_read(db, org, people, as_supervisor):
    mine, _, theirs = people
    found = as_supervisor.get("/supervisor/participants?q=Siti").get_data(as_text=True)
    assert "Siti Aminah" in found and "Budi Santoso" not in found
    assert mine.nik not in found and mine.nik_masked in found
    # the search form posts: a NIK is answered on the page, never put into a URL or echoed
    by_nik = as_supervisor.client.post(
        "/supervisor/participants", data={"csrf_token": as_supervisor.csrf_token, "q": mine.nik}
    )
    assert by_nik.status_code == 200
    assert "Siti Aminah" in by_nik.get_data(as_text=True)
    assert mine.nik not in by_nik.get_data(as_text=True)
    by_name = as_supervisor.client.post(
        "/supervisor/participants", data={"csrf_token": as_supervisor.csrf_token, "q": "Budi"}
    )
    assert by_name.status_code == 302
    assert by_name.headers["Location"] == "/supervisor/participants?q=Budi"
    assert "Sari Lain" not in as_supervisor.get("/supervisor/participants?q=Sari").get_data(
        as_text=True
    )

    db.session.add(
        WorkerChange(
            worker_id=mine.id,
            version=2,
            kind="update",
            changes={"address": ["Jl. Pantai 1", "Jl. Pasar 2"], "nik": [mine.nik, mine.nik]},
            changed_by_id=org.agent_user.id,
            changed_at=datetime(2026, 6, 1, 3, 0, tzinfo=UTC),
        )
    )
    db.session.commit()
    reads = select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "read", AuditEvent.entity_id == str(mine.id)
    )
    assert db.session.scalar(reads) == 0
    first = as_supervisor.get(f"/supervisor/participants/{mine.id}")
    assert first.status_code == 200
    assert db.session.scalar(reads) == 1
    page = as_supervisor.get(f"/supervisor/participants/{mine.id}").get_data(as_text=True)
    versions = page.split('id="versions"')[1].split("</table>")[0]
    assert "Jl. Pantai 1 → Jl. Pasar 2" in versions
    assert mine.nik not in versions and mine.nik_masked in versions
    who_read = page.split('id="reads"')[1].split("</table>")[0]
    assert org.supervisor_user.username in who_read  # the first opening, shown on the second
    assert as_supervisor.get(f"/supervisor/participants/{theirs.id}").status_code == 404


@pytest.mark.parametrize(
    ("q", "lang", "message"),
    [
        ("-5", "id", "Ketik NIK lengkap (16 angka)"),
        ("2147483000", "en", "Type a full NIK (16 digits)"),
        ("a", "en", "at least 2 letters"),
    ],
)
def test_a_search_that_can_find_no_one_is_named(db, org, as_supervisor, q, lang, message):
    response = as_supervisor.get("/supervisor/participants", query_string={"q": q, "lang": lang})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-field="q"' in html and message in html


def test_renewals_list_by_agent_and_export(db, org, people, as_supervisor):
    page = as_supervisor.get("/supervisor/renewals").get_data(as_text=True)
    table = page.split('id="renewals"')[1]
    assert "Budi Santoso" in table  # in grace (April paid, May and June owed)
    assert "Siti Aminah" in table  # covered to the end of June: ends within 30 days
    assert "Sari Lain" not in table
    only = as_supervisor.get(f"/supervisor/renewals?agent={org.agent2.id}").get_data(as_text=True)
    assert "Budi Santoso" in only and "Siti Aminah" not in only.split('id="renewals"')[1]
    assert as_supervisor.get(f"/supervisor/renewals?agent={org.other_agent.id}").status_code == 422

    exported = as_supervisor.get("/supervisor/renewals?format=csv&lang=en")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["Agent", "Village code", "Village"]
    by_name = {row[4]: row for row in rows[1:]}
    assert set(by_name) == {"Siti Aminah", "Budi Santoso"}
    assert by_name["Budi Santoso"][5] == "grace" and by_name["Budi Santoso"][9] == "2"
    assert by_name["Siti Aminah"][7] == "2026-06-30"

    xlsx = as_supervisor.get("/supervisor/renewals?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Agen"
    assert {row[4] for row in values[1:]} == {"Siti Aminah", "Budi Santoso"}


def test_an_admin_chooses_a_branch_before_the_renewal_follow_up(db, org, people, as_admin):
    page = as_admin.get("/supervisor/renewals").get_data(as_text=True)
    assert 'id="choose-branch"' in page and "Pilih kantor cabang terlebih dahulu" in page
    assert 'id="renewals"' not in page and 'name="agent"' not in page
    english = as_admin.get("/supervisor/renewals?lang=en").get_data(as_text=True)
    assert "Choose a branch first" in english
    chosen = as_admin.get(f"/supervisor/renewals?branch={org.branch.id}").get_data(as_text=True)
    table = chosen.split('id="renewals"')[1]
    assert "Budi Santoso" in table and "Sari Lain" not in table
    assert f'<option value="{org.branch.id}" selected>' in chosen
    assert 'name="agent"' in chosen and 'id="choose-branch"' not in chosen
    # Changing the branch sends the branch alone: the chosen agent of the old branch would be
    # "no such agent here" in the new one.
    branch_form = chosen.split('id="renewal-branch"')[1].split("</form>")[0]
    assert 'name="branch"' in branch_form
    assert 'name="agent"' not in branch_form and 'name="village"' not in branch_form
    filters = chosen.split('id="renewal-filters"')[1].split("</form>")[0]
    assert f'<input type="hidden" name="branch" value="{org.branch.id}">' in filters


def test_a_long_list_is_counted_up_to_the_cap(db, org, people, as_supervisor, monkeypatch):
    from perisai.supervisor import tasks

    monkeypatch.setattr(tasks, "PAGE_SIZE", 1)
    monkeypatch.setattr(tasks, "COUNT_CAP", 1)
    first = as_supervisor.get("/supervisor/participants?lang=en").get_data(as_text=True)
    assert "more than 1 participants" in first
    pager = first.split('class="pager"')[1]
    assert "page=2" in pager and " / " not in pager  # no page count beyond the cap
    last = as_supervisor.get("/supervisor/participants?page=2").get_data(as_text=True)
    assert "page=3" not in last.split('class="pager"')[1]
    queue = as_supervisor.get("/supervisor/cards?lang=id").get_data(as_text=True)
    assert "lebih dari 1" in queue.split('<nav class="pager">')[-1]
    monkeypatch.setattr(tasks, "PAGE_SIZE", 50)
    monkeypatch.setattr(tasks, "COUNT_CAP", 1000)
    exact = as_supervisor.get("/supervisor/participants?lang=en").get_data(as_text=True)
    assert "2 participants" in exact and "1 / 1" in exact


def test_the_nav_links_every_task_page(db, org, as_supervisor):
    page = as_supervisor.get("/supervisor/").get_data(as_text=True)
    nav = page.split("<nav>")[1].split("</nav>")[0]
    for href in ("/supervisor/cards", "/supervisor/participants", "/supervisor/renewals"):
        assert f'href="{href}"' in nav, href

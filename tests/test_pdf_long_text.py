"""Every PDF the product renders keeps long unbroken text whole and inside its page: a hostile
160-character name (and long agent and Wadah names where they are shown) is wrapped or shrunk,
every character of it is in the text layer, and every piece of text lies within the page box."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from perisai import clock
from tests.cards import pdfs
from tests.factories import make_worker, record_test_payment

# Unbroken, and each of a few letters that no other word of these documents is made of only,
# so the name's pieces can be found again wherever the layout wrapped it.
WORKER_NAME = "Qxzw" * 40
AGENT_NAME = "Jvkj" * 40
WADAH_NAME = "Fqff" * 40
WIDE_NAME = "W" * 160  # the widest capital: the hardest name to fit
assert len(WORKER_NAME) == len(AGENT_NAME) == len(WADAH_NAME) == 160
PAID_ON = date(2026, 3, 10)


def pieces(pdf: bytes, text: str, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    letters = set(text)
    return [w for w in pdfs.words(pdf, page) if w[0] and set(w[0]) <= letters]


def assert_whole_and_inside(pdf: bytes, *texts: str) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    layer = re.sub(r"[\s\u00ad\u2010-]", "", "".join(page.extract_text() for page in reader.pages))
    for text in texts:
        assert text in layer, f"{text[:8]}… is not whole in the text layer"
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        starts = []

        def visit(fragment, cm, tm, font, size, starts=starts):
            if fragment.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                starts.append((fragment, x, y))

        page.extract_text(visitor_text=visit)
        assert starts
        for fragment, x, y in starts:
            assert -0.5 <= x <= width and -0.5 <= y <= height, (number, fragment[:20], x, y)
        for word, x0, y0, x1, y1 in pdfs.words(pdf, number):
            assert x0 >= -0.5 and x1 <= width + 0.5, (number, word[:20], x0, x1, width)
            assert y0 >= -0.5 and y1 <= height + 0.5, (number, word[:20], y0, y1, height)
    for text in texts:  # and in reading order: the pieces, top to bottom, make the text
        found = sorted(
            (w for n in range(1, len(reader.pages) + 1) for w in pieces(pdf, text, n)),
            key=lambda w: (w[2], w[1]),
        )
        joined = "".join(w[0] for w in found)
        assert text in joined, (text[:8], [w[0] for w in found][:6])


@pytest.fixture
def hostile(db, org):
    """A paying participant with a hostile name, managed by an agent and Wadah with long
    names, registered and paid in March 2026."""
    with clock.travel(PAID_ON):
        org.agent.full_name = AGENT_NAME
        org.wadah.name = WADAH_NAME
        worker = make_worker(db.session, org.agent, full_name=WORKER_NAME)
        payment = record_test_payment(db.session, worker, PAID_ON)
        db.session.commit()
    return worker, payment


def test_the_receipt_a6(hostile, as_agent):
    _, payment = hostile
    with clock.travel(PAID_ON):
        response = as_agent.get(f"/api/v1/payments/{payment.id}/receipt.pdf")
    assert response.status_code == 200
    assert pdfs.page_sizes(response.data)[0] == pytest.approx((105 * pdfs.MM, 148 * pdfs.MM), abs=1)
    assert_whole_and_inside(response.data, WORKER_NAME, AGENT_NAME)


def test_the_commission_statement_a4(hostile, org, as_agent):
    with clock.travel("2026-03-20"):
        [row] = as_agent.get("/api/v1/commissions/statements?month=2026-03").get_json()
        response = as_agent.get(f"/api/v1/commissions/statements/{row['id']}.pdf")
    assert response.status_code == 200
    assert all(size == pytest.approx(pdfs.A4, abs=1) for size in pdfs.page_sizes(response.data))
    assert_whole_and_inside(response.data, WORKER_NAME, AGENT_NAME, WADAH_NAME)


def test_the_wadah_statement_a4(hostile, org, as_supervisor):
    with clock.travel("2026-03-20"):
        listed = as_supervisor.get("/api/v1/commissions/wadah-statements?month=2026-03")
        [row] = [r for r in listed.get_json() if r["wadah_id"] == org.wadah.id]
        response = as_supervisor.get(f"/api/v1/commissions/wadah-statements/{row['id']}.pdf")
    assert response.status_code == 200
    assert all(size == pytest.approx(pdfs.A4, abs=1) for size in pdfs.page_sizes(response.data))
    assert_whole_and_inside(response.data, WORKER_NAME, AGENT_NAME, WADAH_NAME)


@pytest.mark.parametrize("name", [WORKER_NAME, WIDE_NAME])
def test_the_card_and_the_a4_card_sheet(db, org, as_agent, name):
    with clock.travel(PAID_ON):
        worker = make_worker(db.session, org.agent, full_name=name)
        record_test_payment(db.session, worker, PAID_ON)
        db.session.commit()
        card = as_agent.get(f"/api/v1/workers/{worker.id}/card.pdf?back=true")
        sheet = as_agent.post("/api/v1/cards/print", json={"worker_ids": [str(worker.id)]})
    assert card.status_code == 200 and sheet.status_code == 200
    assert pdfs.page_sizes(card.data)[0] == pytest.approx(pdfs.ID1, abs=0.5)
    assert pdfs.page_sizes(sheet.data)[0] == pytest.approx(pdfs.A4, abs=0.5)
    assert_whole_and_inside(card.data, name)
    assert_whole_and_inside(sheet.data, name)

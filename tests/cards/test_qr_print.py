"""The Ed25519 QR code read back from the printed card: PDF (WeasyPrint) → 300 dpi (pdftoppm)
→ zbarimg, as a scanner would read a card printed on a 300-dpi printer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from perisai.cards import keys, tokens
from perisai.cards.qr import QUIET_ZONE, qr_matrix
from perisai.cards.render import render_cards, render_sheets
from perisai.months import Month
from tests import factories
from tests.cards import pdfs
from tests.cards.test_render import face

QR_MM = 24.0  # card.css .qr, quiet zone included
LONGEST = "Christophers A B C D E F G H I J"  # 12 characters and 7 initials kept
LONG_NAMES = [
    "Ni Luh Putu Ayu Saraswati Dewi",
    "Muhammad Ma'ruf bin H. Abdul Rahman Al-Jufri",
    "I Gusti Ngurah Agung Bagus Wiratama Putra Kusuma Negara Adi Wibawa",
    "Sukarno",
]


def module_mm(url: str) -> tuple[int, float]:
    modules, version = qr_matrix(url)
    return version, QR_MM / (len(modules) + 2 * QUIET_ZONE)


@pytest.mark.slow
def test_a_printed_card_and_an_a4_sheet_decode_at_300_dpi(db, org, as_agent, as_supervisor):
    workers = [
        factories.make_worker(db.session, org.agent, full_name=LONG_NAMES[n % 4] + f" {n}")
        for n in range(10)
    ]
    for n, worker in enumerate(workers):
        worker.covered_until = Month(2026, 1 + n)
    db.session.commit()
    sheet = as_supervisor.post(
        "/api/v1/cards/print", json={"worker_ids": [str(w.id) for w in workers]}
    )
    assert sheet.status_code == 200
    urls = [
        as_agent.get(f"/api/v1/workers/{w.id}/cards").get_json()[0]["verify_url"] for w in workers
    ]
    assert sorted(pdfs.qr_codes(sheet.data, page=1, dpi=300)) == sorted(urls)
    single = as_agent.get(f"/api/v1/workers/{workers[0].id}/card.pdf")
    assert single.status_code == 200
    # Printed again: the same card, month and key, so the same token (Ed25519 is deterministic).
    assert pdfs.qr_codes(single.data, dpi=300) == [urls[0]]
    for url in urls:
        version, size = module_mm(url)
        assert version in (8, 9) and size >= 0.39, (url, version, size)


@pytest.mark.slow
def test_the_longest_token_with_a_long_base_url_still_decodes_at_300_dpi(app):
    """Version 9, the most a card makes with a 31-character base URL: 0.39 mm modules."""
    base = "https://perisai.bpjstku.go.id:8443"[:31]
    with app.app_context():
        signer = keys.Signer(1, keys.derive(1))
        claim = tokens.CardClaim(
            2**31 - 1, "99999999999", date(2099, 12, 31), covered_until=Month(2099, 12)
        )
        urls = [
            f"{base}/v/{tokens.sign(signer, replace(claim, serial=n), LONGEST)}" for n in range(10)
        ]
    assert {module_mm(url)[0] for url in urls} == {9}
    assert round(module_mm(urls[0])[1], 3) == 0.393
    faces = [face(serial=n, url=url) for n, url in enumerate(urls)]
    assert pdfs.qr_codes(render_cards(faces[:1]), dpi=300) == urls[:1]
    assert sorted(pdfs.qr_codes(render_sheets(faces), dpi=300)) == sorted(urls)

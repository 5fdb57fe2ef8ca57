"""Card layout, read back from real PDFs: sizes, embedded fonts, names that fit, QR content."""

from datetime import date

import pytest

from perisai.cards.render import NAME_CLASSES, CardFace, name_class, render_cards, render_sheets
from tests.cards import pdfs

NAMES = [
    "Budi",
    "Ni Luh Putu Ayu Saraswati Dewi",
    "Muhammad Ma'ruf bin H. Abdul Rahman Al-Jufri",
    "A. B. C. D. Siti Nur'aini",
    "I Gusti Ngurah Agung Bagus Wiratama Putra Kusuma Negara Adi Wibawa",
    "Raden Roro Ayu Kusumawardhani Setyaningrum Prameswari Hadiningrat Sri Rejeki "
    "Wulandari Puspitasari Kartikasari Anggraeni",
    "W" * 60,
]
# The name box, in points from the top-left corner (card.css .name): 3.5 mm from the left,
# 56 mm wide, from 12.6 mm down for 8.2 mm.
MM = pdfs.MM
NAME_BOX = (3.5 * MM, 12.6 * MM, 59.5 * MM, 20.8 * MM)
QR_LEFT = (85.6 - 1.6 - 24) * MM  # card.css .qr


def face(name="Ni Luh Putu Ayu Saraswati Dewi", serial=1, url="http://perisai.test/v/TOKEN"):
    return CardFace(
        serial=serial,
        full_name=name,
        membership_number="12345678901",
        nik_masked="3325********0001",
        programs="JKK · JKM · JHT",
        occupation="Nelayan",
        member_since="05/2026",
        coverage="08/2026",
        agent_code="PRS-00012",
        issued_on=date(2026, 5, 14),
        verify_url=url,
    )


def test_one_card_is_one_id1_page_with_embedded_subset_fonts():
    pdf = render_cards([face()])
    assert pdfs.page_sizes(pdf) == [pytest.approx(pdfs.ID1, abs=0.01)]
    text = pdfs.page_texts(pdf)[0]
    assert "Ni Luh Putu Ayu Saraswati Dewi" in text
    assert "12345678901" in text
    assert "3325********0001" in text
    fonts = pdfs.fonts(pdf)
    assert fonts and all(font["embedded"] for font in fonts)
    # A subset font's name starts with six capitals and a plus sign (ISO 32000 9.6.4).
    assert all(font["name"][1:8].isupper() and font["name"][7] == "+" for font in fonts)
    assert any("DejaVu" in font["name"] for font in fonts)


def test_the_back_side_is_a_second_page():
    pdf = render_cards([face()], with_back=True)
    assert pdfs.page_sizes(pdf) == [pytest.approx(pdfs.ID1, abs=0.01)] * 2
    assert "No. Kartu 0000001" in pdfs.page_texts(pdf)[1]


@pytest.mark.parametrize("name", NAMES)
def test_long_and_unusual_names_stay_inside_the_name_box(name):
    pdf = render_cards([face(name)])
    left, top, right, bottom = NAME_BOX
    boxes = [w for w in pdfs.words(pdf) if w[2] < bottom + 2]  # the words above the number
    printed = [w[0] for w in boxes]
    assert "".join(printed) == name.replace(" ", "")  # all of it, in order, nothing clipped
    for word, x0, y0, x1, y1 in boxes:
        assert x0 >= left - 0.5 and x1 <= right + 0.5, (word, x0, x1)
        assert x1 < QR_LEFT
        assert y0 >= top - 1.5 and y1 <= bottom + 1.5, (word, y0, y1)


def test_short_names_get_the_largest_size_and_long_ones_shrink():
    classes = [name_class(name) for name in NAMES]
    order = [css for css, _, _ in NAME_CLASSES]
    assert classes[0] == "n1"
    assert [order.index(c) for c in classes[:3]] == sorted(order.index(c) for c in classes[:3])
    assert name_class("Ni Luh Putu Ayu Saraswati Dewi") in ("n1", "n2")  # one line


def test_the_qr_code_decodes_to_the_verification_url():
    url = "http://perisai.test/v/AQAABNIAAt3WjNkEgq2uJZR4CbZD"
    assert pdfs.qr_codes(render_cards([face(url=url)])) == [url]


def test_a4_sheets_hold_ten_cards_each():
    faces = [
        face(f"Peserta Nomor {n}", serial=n, url=f"http://perisai.test/v/card{n:02d}")
        for n in range(11)
    ]
    pdf = render_sheets(faces)
    assert pdfs.page_sizes(pdf) == [pytest.approx(pdfs.A4, abs=0.01)] * 2
    first, second = pdfs.page_texts(pdf)
    assert all(f"Peserta Nomor {n}\n" in first + "\n" for n in range(10))
    assert "Peserta Nomor 10" in second and "Peserta Nomor 9" not in second
    assert sorted(pdfs.qr_codes(pdf, page=1)) == sorted(f.verify_url for f in faces[:10])


def test_mirrored_backs_follow_each_sheet():
    pdf = render_sheets([face(serial=n) for n in range(3)], with_back=True)
    assert len(pdfs.page_sizes(pdf)) == 2
    assert "No. Kartu 0000002" in pdfs.page_texts(pdf)[1]


def test_a_batch_rendered_in_two_processes_is_the_same_cards_in_the_same_order():
    faces = [
        face(f"Peserta Nomor {n}", serial=n, url=f"http://perisai.test/v/card{n:02d}")
        for n in range(25)
    ]
    pdf = render_sheets(faces, processes=2, parallel_from=20)
    assert pdfs.page_sizes(pdf) == [pytest.approx(pdfs.A4, abs=0.01)] * 3
    texts = pdfs.page_texts(pdf)
    assert [n for n in range(25) if f"Peserta Nomor {n}\n" in texts[n // 10] + "\n"] == list(
        range(25)
    )
    assert sorted(pdfs.qr_codes(pdf, page=3)) == sorted(f.verify_url for f in faces[20:])

"""Card PDFs with WeasyPrint: one card per page (ID-1) or A4 sheets of 10 with cut marks.

Kept independent of the database: operations build `CardFace`s, this module only lays them
out. The stylesheet and font configuration are parsed once per process and reused, so a batch
costs one layout and one font subset, not one per card.
"""

from __future__ import annotations

import functools
import io
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date

import jinja2
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from perisai.cards.qr import qr_data_uri

HERE = os.path.dirname(__file__)
log = logging.getLogger(__name__)
# WeasyPrint logs every rendering step at INFO: a 1,000-card batch would flood the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
CARDS_PER_SHEET = 10


@dataclass(frozen=True)
class CardFace:
    """Everything printed on one card, already formatted."""

    serial: int
    full_name: str
    membership_number: str
    nik_masked: str
    programs: str
    occupation: str
    member_since: str
    coverage: str
    agent_code: str
    issued_on: date
    verify_url: str

    @property
    def name_class(self) -> str:
        return name_class(self.full_name)

    @property
    def serial_text(self) -> str:
        return f"{self.serial:07d}"

    @property
    def issued_text(self) -> str:
        return self.issued_on.strftime("%d/%m/%Y")

    @property
    def verify_host(self) -> str:
        return self.verify_url.split("://", 1)[-1].split("/v/", 1)[0]

    @property
    def values(self) -> str:
        """The six lines beside the artwork's labels (NIK … Agen), one per line."""
        lines = (
            self.nik_masked,
            self.programs,
            self.occupation,
            self.member_since,
            self.coverage,
            self.agent_code,
        )
        return "\n".join(line.replace("\n", " ") for line in lines)

    @property
    def qr_png(self) -> str:
        return qr_data_uri(self.verify_url)


# Name box: 56 mm wide; per size class the font size (pt) and the lines the box holds.
NAME_BOX_MM = 56.0
NAME_CLASSES = (("n1", 10.5, 1), ("n2", 8.6, 1), ("n3", 7.4, 2), ("n4", 6.3, 3), ("n5", 5.2, 4))
_PT_MM = 25.4 / 72
_NAME_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"


@functools.cache
def _advances() -> tuple[dict[int, float], float]:
    """Advance widths (in em) of the name font's characters, and a wide fallback."""
    try:
        from fontTools.ttLib import TTFont

        with TTFont(_NAME_FONT) as font:
            per_em = font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            widths = {
                code: metrics[glyph][0] / per_em for code, glyph in font.getBestCmap().items()
            }
    except (ImportError, OSError):
        return {}, 0.75
    return widths, 0.75


def name_width_em(name: str) -> float:
    widths, fallback = _advances()
    return sum(widths.get(ord(char), fallback) for char in name)


def name_class(name: str) -> str:
    """The largest size at which the name fits its box: one line where possible, else wrapped
    onto the lines the box holds (15 % slack per wrapped line for the word left over)."""
    width = name_width_em(name)
    for css_class, size_pt, lines in NAME_CLASSES:
        room = NAME_BOX_MM * lines * (1.0 if lines == 1 else 0.85)
        if width * size_pt * _PT_MM <= room:
            return css_class
    return NAME_CLASSES[-1][0]


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(HERE, "templates")),
        autoescape=True,
        trim_blocks=True,
    )
    env.filters["mirror"] = lambda slot: slot + 1 if slot % 2 == 0 else slot - 1
    return env


@functools.cache
def _styles() -> tuple[FontConfiguration, CSS]:
    fonts = FontConfiguration()
    return fonts, CSS(filename=os.path.join(HERE, "card.css"), font_config=fonts)


def _write(html: str) -> bytes:
    fonts, css = _styles()
    return HTML(string=html, base_url=HERE).write_pdf(stylesheets=[css], font_config=fonts)


def render_cards(faces: list[CardFace], *, with_back: bool = False) -> bytes:
    """One ID-1 page per card (and its back after it when asked)."""
    template = _environment().get_template("cards/document.html")
    return _write(template.render(layout="single", cards=faces, with_back=with_back))


def render_sheets(
    faces: list[CardFace],
    *,
    with_back: bool = False,
    processes: int | None = None,
    parallel_from: int = 200,
) -> bytes:
    """A4 sheets of 10 cards in the given order; backs on the following sheet, mirrored for
    long-edge duplex printing.

    A batch of at least `parallel_from` cards is split into runs of whole sheets rendered in
    `processes` worker processes (default: one per CPU, at most 4; 1 = here), then
    concatenated in order: WeasyPrint is single-threaded Python. Smaller batches are rendered
    here: start-up and joining would cost more than they save.
    """
    if processes is None:
        processes = min(os.cpu_count() or 1, 4)
    chunks = _chunks(faces, processes if len(faces) >= parallel_from else 1)
    if len(chunks) < 2:
        return _render_sheet_run(faces, with_back)
    try:
        parts = _render_in_processes(chunks, with_back)
    except (OSError, RuntimeError, BrokenProcessPool):
        # No usable worker processes here (e.g. a main module that cannot be re-imported):
        # slower, but the same document.
        log.warning("card batch rendered in one process: worker processes unavailable")
        return _render_sheet_run(faces, with_back)
    return _concatenate(parts)


def _render_in_processes(chunks: list[list[CardFace]], with_back: bool) -> list[bytes]:
    # A pool per batch, not a standing one: idle renderers would hold memory in every web
    # worker for a rare request. forkserver, not fork: the server's threads and database
    # connections are never copied into a renderer, and the server keeps WeasyPrint loaded.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["perisai.cards.render"])
    with ProcessPoolExecutor(len(chunks), mp_context=context) as pool:
        return list(pool.map(_render_sheet_run, chunks, [with_back] * len(chunks)))


def _chunks(faces: list[CardFace], processes: int) -> list[list[CardFace]]:
    if processes < 2:
        return [faces]
    sheets = -(-len(faces) // CARDS_PER_SHEET)
    per_chunk = -(-sheets // processes) * CARDS_PER_SHEET
    return [faces[start : start + per_chunk] for start in range(0, len(faces), per_chunk)]


def _render_sheet_run(faces: list[CardFace], with_back: bool) -> bytes:
    sheets = [
        list(enumerate(faces[start : start + CARDS_PER_SHEET]))
        for start in range(0, len(faces), CARDS_PER_SHEET)
    ]
    template = _environment().get_template("cards/document.html")
    html = template.render(layout="sheet", sheets=sheets, with_back=with_back)
    return _write(html)


def _concatenate(parts: list[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()

"""Regenerate art/front.jpg and art/back.jpg: `python -m perisai.cards.artwork`.

Why raster artwork: WeasyPrint spends about half a millisecond of Python per line of text it
lays out, and the header, labels and footer are a dozen lines that are the same on every card.
Drawn once at 600 dpi (a print resolution) and embedded once per PDF, they cost nothing per
card, which is what brings a 1,000-card batch well under the time budget. JPEG (quality 90,
no chroma subsampling) because WeasyPrint embeds a JPEG as it is, whereas it decodes and
re-compresses a PNG in every document (about 100 ms for one card). The per-card data
(name, numbers, values, serial) stays real, embedded, subset, searchable text.
Needs pdftoppm (poppler-utils) — only here, never at request time.
"""

from __future__ import annotations

import os
import subprocess
import tempfile

from PIL import Image
from weasyprint import CSS, HTML

HERE = os.path.dirname(__file__)
DPI = 600


def build() -> list[str]:
    with open(os.path.join(HERE, "templates", "cards", "artwork.html"), encoding="utf-8") as src:
        html = src.read()
    html = html.split("-#}", 1)[1]  # drop the Jinja comment: this file is plain HTML
    css = CSS(filename=os.path.join(HERE, "card.css"))
    pdf = HTML(string=html, base_url=HERE).write_pdf(stylesheets=[css])
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "art.pdf")
        with open(source, "wb") as handle:
            handle.write(pdf)
        command = ["pdftoppm", "-r", str(DPI), "-png", source, os.path.join(tmp, "art")]
        subprocess.run(command, check=True)  # noqa: S603 - fixed arguments, a dev tool
        for page, name in ((1, "front"), (2, "back")):
            target = os.path.join(HERE, "art", f"{name}.jpg")
            with Image.open(os.path.join(tmp, f"art-{page}.png")) as image:
                image.convert("RGB").save(target, "JPEG", quality=90, subsampling=0)
            written.append(target)
    return written


if __name__ == "__main__":
    for path in build():
        print(path)

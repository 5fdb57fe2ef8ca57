"""Reading rendered PDFs back: page sizes, text, word boxes, and the QR code's content."""

from __future__ import annotations

import io
import os
import re
import subprocess
import tempfile

from pypdf import PdfReader

MM = 72 / 25.4  # PDF points per millimetre
ID1 = (85.6 * MM, 54 * MM)
A4 = (210 * MM, 297 * MM)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def fonts(pdf: bytes) -> list[dict]:
    """Every font of every page: its name and whether its program is embedded."""
    found = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = {"name": str(font["/BaseFont"]), "embedded": embedded}
    return list(found.values())


def words(pdf: bytes, page: int = 1) -> list[tuple[str, float, float, float, float]]:
    """Words with their boxes in points from the top-left corner (pdftotext -bbox)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "in.pdf")
        with open(source, "wb") as handle:
            handle.write(pdf)
        out = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), source, "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    pattern = re.compile(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    )
    return [
        (_unescape(text), float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, text in pattern.findall(out)
    ]


def _unescape(text: str) -> str:
    return (
        text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#39;", "'")
        .replace("&apos;", "'")
    )


def qr_codes(pdf: bytes, page: int = 1, dpi: int = 300) -> list[str]:
    """Rasterise one page like a scanner would, then decode every QR code on it (zbarimg)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "in.pdf")
        with open(source, "wb") as handle:
            handle.write(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-png",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                source,
                os.path.join(tmp, "page"),
            ],
            check=True,
        )
        result = subprocess.run(
            [
                "zbarimg",
                "--raw",
                "-q",
                "-Sdisable",
                "-Sqrcode.enable",
                os.path.join(tmp, "page.png"),
            ],
            capture_output=True,
            text=True,
        )
    return [line for line in result.stdout.splitlines() if line]

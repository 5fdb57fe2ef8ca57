"""QR codes as tiny 1-bit PNGs (one pixel per module), built without an imaging library.

WeasyPrint embeds such an image in a few hundred bytes and scales it without smoothing
(`image-rendering: pixelated`), which is far cheaper to lay out and draw than an SVG path.
"""

from __future__ import annotations

import base64
import struct
import zlib

import qrcode
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks
# The card prints the code in a 24 mm square (card.css): a version-10 code (65 modules with the
# quiet zone) still has 0.37 mm modules. An Ed25519 token makes version 8 or 9 (tokens.py).
MAX_VERSION = 10
# A fixed mask instead of scoring all eight: scoring costs ~5 ms a code in pure Python (5 s
# for a 1,000-card batch), and the payload is random-looking bytes, which no mask turns into
# the large blocks or finder-like runs the scoring guards against. Decoders read the mask
# from the format information, so any mask is a valid symbol.
MASK = 2


# Byte-mode capacity at level M of versions 1–10 (ISO/IEC 18004 table 7): choosing the version
# here saves qrcode's trial encodings, a third of its time.
_BYTE_CAPACITY_M = (14, 26, 42, 62, 84, 106, 122, 152, 180, 213)


def qr_matrix(data: str) -> tuple[list[list[bool]], int]:
    """The module matrix (True = dark) and the QR version chosen for `data` at level M."""
    size = len(data.encode())
    version = next((v for v, cap in enumerate(_BYTE_CAPACITY_M, 1) if size <= cap), None)
    code = qrcode.QRCode(
        version=version, error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK
    )
    code.add_data(data, optimize=0)
    code.make(fit=version is None)
    return code.modules, code.version


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def qr_png(data: str) -> bytes:
    modules, _ = qr_matrix(data)
    size = len(modules) + 2 * QUIET_ZONE
    row_bytes = (size + 7) // 8
    blank = b"\x00" + b"\xff" * row_bytes  # filter byte 0, then white (1 bits)
    rows = [blank] * QUIET_ZONE
    for row in modules:
        bits = 0
        for x in range(size):
            dark = QUIET_ZONE <= x < size - QUIET_ZONE and row[x - QUIET_ZONE]
            bits = (bits << 1) | (0 if dark else 1)
        bits <<= row_bytes * 8 - size
        bits |= (1 << (row_bytes * 8 - size)) - 1  # padding bits white
        rows.append(b"\x00" + bits.to_bytes(row_bytes, "big"))
    rows += [blank] * QUIET_ZONE
    header = struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def qr_data_uri(data: str) -> str:
    return "data:image/png;base64," + base64.b64encode(qr_png(data)).decode()

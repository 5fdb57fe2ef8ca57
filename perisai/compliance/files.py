"""The labour office's file as received: kept in a temporary file while it is read (hashed on
the way, so the same file again is the same list), its format told by its first bytes and name,
and its rows streamed, CSV (UTF-8 with or without BOM, else Windows-1252; `,` `;` or tab) or
XLSX (openpyxl's read-only mode; a zip that would unpack past 400 MB is refused first).

The participant imports read files the same way (perisai.imports.reader); these lists are
read here because the imports feature sits above the supervisor pages, which use this one.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from perisai.errors import field_error

XLSX_MAX_UNCOMPRESSED = 400 * 1024 * 1024
_CHUNK = 1024 * 1024


@contextmanager
def received(file_storage) -> Iterator[tuple[str, str]]:
    """An upload in a temporary file for the block, (path, sha256); removed after it (it holds
    the labour office's data, which is stored as rows or not at all)."""
    folder = tempfile.mkdtemp(prefix="perisai-headcounts-")
    name = (file_storage.filename or "").lower()
    path = os.path.join(folder, "list.xlsx" if name.endswith((".xlsx", ".xlsm")) else "list.csv")
    digest = hashlib.sha256()
    try:
        with open(path, "wb") as out:
            while block := file_storage.stream.read(_CHUNK):
                digest.update(block)
                out.write(block)
        yield path, digest.hexdigest()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _unreadable(why: str):
    return field_error("file", f"imports.file_unreadable|{why}", location="files")


def file_format(filename: str, path: str) -> str:
    with open(path, "rb") as handle:
        magic = handle.read(4)
    name = filename.lower()
    if magic.startswith(b"PK\x03\x04"):
        if not name.endswith((".xlsx", ".xlsm")):
            raise field_error("file", "imports.file_format", location="files")
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
                total = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile as error:
            raise _unreadable("zip") from error
        if "xl/workbook.xml" not in names or total > XLSX_MAX_UNCOMPRESSED:
            raise _unreadable("xlsx")
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise field_error("file", "imports.file_format", location="files")


def _dialect(path: str) -> tuple[str, str]:
    encoding = "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while block := handle.read(_CHUNK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "cp1252"
    with open(path, encoding=encoding, newline="") as handle:
        first = handle.readline()
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return encoding, max(counts, key=counts.get)


@contextmanager
def open_rows(path: str, filename: str) -> Iterator:
    """(row_number, cells) of the file's first sheet; row 1 is the header."""
    if file_format(filename, path) == "csv":
        encoding, delimiter = _dialect(path)
        with open(path, encoding=encoding, newline="") as handle:
            yield enumerate(csv.reader(handle, delimiter=delimiter), start=1)
        return
    import openpyxl  # only for an XLSX: it costs a second to import

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise _unreadable(type(error).__name__) from error
    try:
        yield enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)
    finally:
        workbook.close()

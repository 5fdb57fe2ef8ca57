"""Uploaded lists on disk: saving with a SHA-256, and streaming their rows (CSV or XLSX).

Neither format is ever loaded whole: CSV goes through csv.reader over the open file, XLSX through
openpyxl's read-only mode, which parses the sheet XML as it is iterated.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from perisai.errors import ValidationFailed, field_error

XLSX_MAX_UNCOMPRESSED = 400 * 1024 * 1024  # refuses zip bombs before openpyxl opens them
_CHUNK = 1024 * 1024


def save_upload(stream, directory: str, suffix: str) -> tuple[str, str, int]:
    """Copy an upload to `directory` while hashing it: (path, sha256, size)."""
    os.makedirs(directory, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    tmp = os.path.join(directory, f".upload-{os.getpid()}-{os.urandom(6).hex()}{suffix}")
    with open(tmp, "wb") as out:
        while block := stream.read(_CHUNK):
            digest.update(block)
            out.write(block)
            size += len(block)
    sha = digest.hexdigest()
    path = os.path.join(directory, f"{sha}{suffix}")
    os.replace(tmp, path)  # same bytes, same name: a re-upload just rewrites the same file
    return path, sha, size


def detect_format(filename: str, path: str) -> str:
    with open(path, "rb") as handle:
        magic = handle.read(4)
    name = filename.lower()
    if magic.startswith(b"PK\x03\x04"):
        if not name.endswith((".xlsx", ".xlsm")):
            raise field_error("file", "imports.file_format", location="files")
        _check_zip(path)
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise field_error("file", "imports.file_format", location="files")


def _check_zip(path: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise _unreadable("zip") from error
    if "xl/workbook.xml" not in names:
        raise _unreadable("xlsx")
    if total > XLSX_MAX_UNCOMPRESSED:
        raise _unreadable("xlsx > 400 MB")


def _unreadable(why: str) -> ValidationFailed:
    return field_error("file", f"imports.file_unreadable|{why}", location="files")


def csv_dialect(path: str) -> dict:
    """Encoding (UTF-8, with or without BOM, else Windows-1252) and delimiter (, ; or tab)."""
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
    return {"encoding": encoding, "delimiter": max(counts, key=counts.get)}


@contextmanager
def open_rows(path: str, file_format: str, layout: dict | None = None) -> Iterator:
    """Yields an iterator of (row_number, cells); row 1 is the header."""
    if file_format == "csv":
        dialect = layout or csv_dialect(path)
        with open(path, "rb") as handle, stream_csv_rows(handle, dialect) as rows:
            yield rows
        return
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:
        raise _unreadable(type(error).__name__) from error
    try:
        sheet = workbook.worksheets[0]
        yield enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


@contextmanager
def stream_csv_rows(stream, dialect: dict) -> Iterator:
    """A CSV's (row_number, cells) from a binary stream read once, front to back (an object
    in the file storage): the dialect is the one found when the file was uploaded."""
    text = io.TextIOWrapper(stream, encoding=dialect["encoding"], newline="")
    try:
        yield enumerate(csv.reader(text, delimiter=dialect["delimiter"]), start=1)
    finally:
        text.detach()  # the stream's owner closes it

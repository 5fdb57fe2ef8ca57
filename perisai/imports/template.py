"""The downloadable templates: CSV (header only) and XLSX (data sheet + instructions)."""

from __future__ import annotations

import csv
import io

from perisai.imports.columns import COLUMNS, header_names

TITLES = {
    "id": ("Peserta", "Petunjuk", "Kolom", "Wajib", "Keterangan", "Contoh", "ya", "tidak"),
    "en": (
        "Participants",
        "Instructions",
        "Column",
        "Required",
        "Description",
        "Example",
        "yes",
        "no",
    ),
}
NOTES = {
    "id": [
        "Satu baris per peserta mulai baris 2; baris 1 adalah judul kolom (urutan bebas).",
        "Format kolom NIK dan no_hp sebagai Teks agar angka tidak berubah.",
        "Coba dulu dengan 'uji coba' (dry run): semua masalah dilaporkan per nomor baris.",
        "Mengunggah berkas yang sama lagi tidak membuat peserta ganda.",
    ],
    "en": [
        "One row per participant from row 2; row 1 holds the column names (any order).",
        "Format the NIK and phone columns as Text so the numbers are kept as typed.",
        "Try a dry run first: every problem is reported with its row number.",
        "Uploading the same file again never creates duplicate participants.",
    ],
}


def template_csv(lang: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow(header_names(lang))
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel then reads UTF-8


def template_xlsx(lang: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    sheet_name, help_name, col, req, desc, example, yes, no = TITLES[lang]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    sheet.append(header_names(lang))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.key) + 4)
        for row in range(2, 1002):  # text format, so Excel keeps every digit of a NIK
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    helper = workbook.create_sheet(help_name)
    helper.append([col, req, desc, example])
    for cell in helper[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        name = column.name_id if lang == "id" else column.key
        text = column.help_id if lang == "id" else column.help_en
        example_value = column.example
        if column.key == "gender" and lang == "en":
            example_value = "M"
        if column.key == "consent_given" and lang == "en":
            example_value = "YES"
        helper.append([name, yes if column.required else no, text, example_value])
    helper.append([])
    for note in NOTES[lang]:
        helper.append([note])
    helper.column_dimensions["A"].width = 26
    helper.column_dimensions["C"].width = 70
    helper.column_dimensions["D"].width = 22
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

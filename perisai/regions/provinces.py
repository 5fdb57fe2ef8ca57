"""Province codes a NIK may start with: the current Kemendagri list and the codes of the past.

A NIK keeps the province code of the place and time it was first issued, and codes have been
reassigned since, so a NIK prefix is checked against both lists (a mismatch is only a warning).
"""

from __future__ import annotations

# Kepmendagri 300.2.2-2L38/2025, as vendored in perisai/regions/data/provinces.csv.gz
# (tests/regions checks that the two agree).
CURRENT_PROVINCE_CODES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "Daerah Khusus Ibukota Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "Daerah Istimewa Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}

# Codes that were valid when NIKs still in use were issued (16-digit NIK: UU 23/2006 on civil
# administration, with earlier SIAK numbers carried over), with what they meant then.
# Sources: Permendagri 137/2017 and Kepmendagri 050-145/2022 (before the Papua split: 91 Papua
# Barat, 94 Papua); Kepmendagri 100.1.1-6117/2022 renumbered Papua 94 → 91 and Papua Barat
# 91 → 92 and gave 93–96 to the new provinces (UU 14, 15, 16 and 29 of 2022).
# Uncertain, kept permissive because a mismatch only warns:
# - 97 "Papua Pegunungan": some civil-registry (Dukcapil) based lists number the new Papua
#   provinces 92 Papua Barat Daya, 95 Papua Selatan, 96 Papua Tengah, 97 Papua Pegunungan,
#   keeping 91 Papua Barat and 94 Papua; NIKs issued from those registries would start with 97.
#   We found no official document for it, only lists in the wild.
# - Left out: 54 Timor Timur (a province code until 1999, before the national 16-digit NIK).
# - Splits before 2022 (Kepulauan Riau 21 from Riau 14 in 2002, Sulawesi Barat 76 from 73 in
#   2004, Kalimantan Utara 65 from 64 in 2012, Papua Barat 91 from 94 in 2003) kept every old
#   code alive, so they add nothing here.
HISTORIC_PROVINCE_CODES: dict[str, str] = {
    **{code: name for code, name in CURRENT_PROVINCE_CODES.items() if code <= "82"},
    "91": "Papua Barat (until 2022; now Papua)",
    "94": "Papua (until 2022; now Papua Tengah)",
    "97": "Papua Pegunungan (civil-registry numbering, uncertain)",
}


def province_code_known(two_digits: str) -> bool:
    """Is this a province code a genuine NIK may start with (current or historic)?"""
    return two_digits in CURRENT_PROVINCE_CODES or two_digits in HISTORIC_PROVINCE_CODES

"""The one message catalogue: Bahasa Indonesia first, English second.

Code raises message *tokens* ("key" or "key|arg|arg"); they are turned into sentences only at the
edge (error handler, templates), in the language the request asked for. Marshmallow's own
messages are tokens too (see perisai.api.Schema), so every field error is translated.
"""

from __future__ import annotations

from flask import has_request_context, request

LANGUAGES = ("id", "en")

CATALOGUE: dict[str, tuple[str, str]] = {
    # generic HTTP
    "http.400": ("Permintaan tidak dapat dibaca.", "The request could not be read."),
    "http.401": ("Silakan masuk terlebih dahulu.", "Please log in first."),
    "http.403": ("Anda tidak berhak melakukan ini.", "You are not allowed to do this."),
    "http.404": ("Data tidak ditemukan.", "Not found."),
    "http.405": ("Metode tidak diizinkan.", "Method not allowed."),
    "http.409": ("Bertentangan dengan data yang tersimpan.", "Conflicts with stored data."),
    "http.413": ("Kiriman terlalu besar.", "The request is too large."),
    "http.415": ("Jenis konten tidak didukung.", "Unsupported content type."),
    "http.422": ("Ada isian yang tidak valid.", "Some fields are invalid."),
    "http.429": ("Terlalu banyak percobaan. Coba lagi nanti.", "Too many attempts. Try later."),
    "http.500": ("Terjadi kesalahan di server.", "Something went wrong on the server."),
    "http.503": ("Layanan sedang tidak tersedia.", "The service is unavailable."),
    # marshmallow field messages
    "field.required": ("Wajib diisi.", "Missing data for required field."),
    "field.null": ("Tidak boleh kosong.", "Field may not be null."),
    "field.unknown": ("Isian tidak dikenal.", "Unknown field."),
    "field.invalid": ("Nilai tidak valid.", "Not a valid value."),
    "field.invalid|String": ("Harus berupa teks.", "Not a valid string."),
    "field.invalid|Integer": ("Harus berupa bilangan bulat.", "Not a valid integer."),
    "field.invalid|Boolean": ("Harus benar/salah.", "Not a valid boolean."),
    "field.invalid|Date": ("Tanggal harus YYYY-MM-DD.", "Date must be YYYY-MM-DD."),
    "field.invalid|UUID": ("Bukan UUID yang valid.", "Not a valid UUID."),
    "field.invalid|List": ("Harus berupa daftar.", "Not a valid list."),
    "field.invalid|Nested": ("Harus berupa objek.", "Not a valid object."),
    "field.invalid|Dict": ("Harus berupa objek.", "Not a valid mapping."),
    "field.invalid|Float": ("Harus berupa angka.", "Not a valid number."),
    "field.invalid|Number": ("Harus berupa angka.", "Not a valid number."),
    "field.invalid|MonthField": ("Bulan harus YYYY-MM.", "Month must be YYYY-MM."),
    "field.invalid|DateTime": (
        "Waktu harus berformat ISO 8601, mis. 2026-06-15T10:00:00+07:00.",
        "The time must be ISO 8601, e.g. 2026-06-15T10:00:00+07:00.",
    ),
    "field.invalid|Time": ("Jam harus berformat HH:MM:SS.", "The time of day must be HH:MM:SS."),
    "field.invalid|TimeDelta": ("Lama waktu tidak valid.", "Not a valid period of time."),
    "field.invalid|Tuple": ("Harus berupa daftar.", "Not a valid list."),
    "field.invalid|Email": ("Alamat email tidak valid.", "Not a valid email address."),
    "field.invalid|Url": ("Alamat URL tidak valid.", "Not a valid URL."),
    "field.invalid|IP": ("Alamat IP tidak valid.", "Not a valid IP address."),
    "field.invalid_uuid": (
        "Bukan UUID yang valid (mis. 0b4e7a52-3c1d-4f8e-9a6b-2d5c8e1f3a7b).",
        "Not a valid UUID (e.g. 0b4e7a52-3c1d-4f8e-9a6b-2d5c8e1f3a7b).",
    ),
    "field.invalid_utf8": ("Teks harus UTF-8 yang valid.", "The text must be valid UTF-8."),
    "field.invalid_ip": ("Alamat IP tidak valid.", "Not a valid IP address."),
    "field.invalid_ip_interface": ("Antarmuka IP tidak valid.", "Not a valid IP interface."),
    "field.invalid_awareness": (
        "Waktu harus menyebut zona waktunya.",
        "The time must state its time zone.",
    ),
    "field.format": ("Nilai ini tidak dapat diformat.", "This value cannot be formatted."),
    "field.type": ("Harus berupa objek.", "Not a valid object."),
    "field.validator_failed": ("Nilai tidak valid.", "Not a valid value."),
    "field.special": (
        "Angka khusus (NaN atau tak hingga) tidak diizinkan.",
        "Special numbers (NaN or infinity) are not allowed.",
    ),
    "field.pattern": ("Bentuknya tidak sesuai.", "Not in the expected form."),
    "field.control_characters": (
        "Berisi karakter kontrol yang tidak diizinkan.",
        "Contains control characters that are not allowed.",
    ),
    "field.format_characters": (
        "Berisi karakter format tak terlihat (mis. pembalik arah teks atau spasi lebar nol) "
        "yang tidak diizinkan.",
        "Contains invisible formatting characters (such as text-direction overrides or "
        "zero-width spaces) that are not allowed.",
    ),
    "field.too_large": ("Angka terlalu besar.", "Number too large."),
    "field.empty": ("Tidak boleh kosong.", "May not be empty."),
    "field.range": ("Harus antara {0} dan {1}.", "Must be between {0} and {1}."),
    "field.max": ("Paling banyak {0}.", "At most {0}."),
    "field.min": ("Paling sedikit {0}.", "At least {0}."),
    "field.length": (
        "Panjangnya harus {0} sampai {1} karakter.",
        "Must be {0} to {1} characters long.",
    ),
    "field.length_max": ("Paling banyak {0} karakter.", "At most {0} characters."),
    "field.length_min": ("Paling sedikit {0} karakter.", "At least {0} characters."),
    "field.length_equal": ("Harus tepat {0} karakter.", "Must be exactly {0} characters."),
    "field.items": ("Harus berisi {0} sampai {1} item.", "Must have {0} to {1} items."),
    "field.items_max": ("Paling banyak {0} item.", "At most {0} items."),
    "field.items_min": ("Paling sedikit {0} item.", "At least {0} items."),
    "field.items_equal": ("Harus berisi tepat {0} item.", "Must have exactly {0} items."),
    "field.max_items": ("Paling banyak {0} item.", "At most {0} items."),
    "field.one_of": ("Harus salah satu dari: {0}.", "Must be one of: {0}."),
    # webargs' own English messages, keyed by their text
    "Invalid JSON body.": ("Isi JSON tidak valid.", "Invalid JSON body."),
    "Invalid input type.": ("Jenis data tidak valid.", "Invalid input type."),
    "body.json": ("Isi permintaan harus JSON.", "The request body must be JSON."),
    # auth
    "auth.invalid_credentials": (
        "Nama pengguna atau kata sandi salah.",
        "Wrong username or password.",
    ),
    "auth.locked": (
        "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 15 menit.",
        "Too many failed logins. Try again in 15 minutes.",
    ),
    "auth.csrf": (
        "Token CSRF tidak ada atau salah. Muat ulang halaman dan coba lagi.",
        "Missing or wrong CSRF token. Reload and try again.",
    ),
    "auth.role": ("Peran Anda tidak berhak melakukan ini.", "Your role may not do this."),
    "auth.logged_out": ("Anda sudah keluar.", "You are logged out."),
    "auth.password_short": (
        "Kata sandi paling sedikit 10 karakter.",
        "The password needs at least 10 characters.",
    ),
    "auth.agent_needed": ("Akun agen harus terhubung ke agen.", "An agent login needs an agent."),
    "auth.branch_needed": (
        "Akun supervisor harus terhubung ke kantor cabang.",
        "A supervisor login needs a branch.",
    ),
    "auth.agent_has_login": ("Agen ini sudah punya akun.", "This agent already has a login."),
    "auth.username_taken": ("Nama pengguna sudah dipakai.", "That username is taken."),
    "health.ok": ("Sehat.", "Healthy."),
}


def current_language() -> str:
    if not has_request_context():
        return "id"
    return request.accept_languages.best_match(LANGUAGES, default="id") or "id"


def t(token: str, lang: str | None = None) -> str:
    """Translate a token ("key" or "key|arg|…"); anything not in the catalogue passes through."""
    if not isinstance(token, str):
        return token
    lang = lang or current_language()
    key, *args = token.split("|")
    entry = CATALOGUE.get(token) or CATALOGUE.get(key)
    if entry is None:
        return token
    text = entry[LANGUAGES.index(lang)]
    if CATALOGUE.get(token):
        return text
    return text.format(*args)


def translate_errors(errors):
    """Walk a marshmallow-style errors structure translating every message token."""
    if isinstance(errors, dict):
        return {key: translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [translate_errors(value) for value in errors]
    return t(errors)


def register(entries: dict[str, tuple[str, str]]) -> None:
    """Features add their own messages next to their code."""
    for key, value in entries.items():
        if key in CATALOGUE and CATALOGUE[key] != value:
            raise ValueError(f"message {key!r} defined twice")
        CATALOGUE[key] = value


register({"agents.pks_period": ("Masa PKS paling lama 1 tahun.", "A PKS lasts at most one year.")})

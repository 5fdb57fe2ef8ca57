"""Messages of the participant registry."""

from perisai.i18n import register

register(
    {
        "workers.nik_digits": ("NIK hanya boleh berisi angka.", "NIK may contain digits only."),
        "workers.nik_length": ("NIK harus 16 digit.", "NIK must have 16 digits."),
        "workers.nik_serial": (
            "Nomor urut NIK (4 digit terakhir) tidak boleh 0000.",
            "The NIK serial (last 4 digits) may not be 0000.",
        ),
        "workers.nik_day": (
            "Tanggal lahir pada NIK tidak valid (01–31, atau 41–71 untuk perempuan).",
            "Birth day in the NIK is invalid (01–31, or 41–71 for women).",
        ),
        "workers.nik_month": (
            "Bulan lahir pada NIK tidak valid (01–12).",
            "Birth month in the NIK is invalid (01–12).",
        ),
        "workers.nik_date": (
            "Tanggal lahir pada NIK tidak ada di kalender.",
            "The birth date in the NIK does not exist.",
        ),
        "workers.nik_future": (
            "Tanggal lahir pada NIK ada di masa depan.",
            "The birth date in the NIK is in the future.",
        ),
        "workers.nik_gender": (
            "Jenis kelamin tidak sesuai dengan NIK (tanggal +40 untuk perempuan).",
            "Gender does not match the NIK (day +40 for women).",
        ),
        "workers.nik_birth_date": (
            "Tanggal lahir tidak sesuai dengan NIK.",
            "Birth date does not match the NIK.",
        ),
        "workers.nik_province_unknown": (
            "Kode provinsi pada NIK tidak dikenal; periksa kembali NIK.",
            "The province code of the NIK is not known; please check the NIK.",
        ),
        "workers.nik_taken": ("NIK sudah terdaftar.", "NIK is already registered."),
        "workers.nik_taken_elsewhere": (
            "NIK sudah terdaftar pada agen lain. Jangan daftarkan ulang; "
            "tanyakan ke kantor cabang.",
            "This NIK is already registered with another agent. Do not register it again; ask "
            "the branch office.",
        ),
        "workers.nik_taken_elsewhere_ask": (
            "NIK sudah terdaftar pada agen lain. Jangan daftarkan ulang; tanyakan ke {0}.",
            "This NIK is already registered with another agent. Do not register it again; ask {0}.",
        ),
        "workers.id_conflict": (
            "ID ini sudah dipakai untuk data peserta yang berbeda.",
            "This id was already used for a different participant.",
        ),
        "workers.birth_future": (
            "Tanggal lahir tidak boleh di masa depan.",
            "Birth date may not be in the future.",
        ),
        "workers.registered_on_future": (
            "Tanggal pendaftaran tidak boleh di masa depan.",
            "The registration date may not be in the future.",
        ),
        "workers.registered_on_old": (
            "Tanggal pendaftaran paling lama {0} hari yang lalu.",
            "The registration date may be at most {0} days ago.",
        ),
        "workers.phone_invalid": (
            "Nomor HP harus 08… atau +62… (9–13 digit).",
            "Phone must be 08… or +62… (9–13 digits).",
        ),
        "workers.occupation_unknown": ("Pekerjaan tidak dikenal.", "Unknown occupation."),
        "workers.income_level_unknown": (
            "Nominal penghasilan bukan salah satu tingkat yang berlaku.",
            "Income level is not one of the levels in force.",
        ),
        "workers.programs": (
            "Program harus JKK+JKM atau JKK+JKM+JHT.",
            "Programs must be JKK+JKM or JKK+JKM+JHT.",
        ),
        "workers.village_unknown": (
            "Kode desa/kelurahan tidak ditemukan.",
            "Unknown village code.",
        ),
        "workers.village_format": (
            "Kode desa harus berbentuk PP.KK.CC.VVVV.",
            "Village code must look like PP.KK.CC.VVVV.",
        ),
        "workers.consent_required": (
            "Peserta harus memberikan persetujuan pemrosesan data.",
            "The participant must consent to data processing.",
        ),
        "workers.agent_inactive": (
            "Agen tidak aktif tidak dapat mendaftarkan peserta baru.",
            "An inactive agent cannot register new participants.",
        ),
        "workers.agent_code_needed": (
            "Sebutkan kode agen yang mengelola peserta ini.",
            "Give the code of the agent who manages this participant.",
        ),
        "workers.agent_unknown": (
            "Kode agen tidak ditemukan di cabang Anda.",
            "Unknown agent code in your branch.",
        ),
        "workers.possible_duplicate": (
            "Mungkin peserta yang sama sudah terdaftar (HP/nama dan tanggal lahir sama).",
            "Possibly the same person is registered already (same phone/name and birth date).",
        ),
        "workers.membership_number_invalid": (
            "Nomor kepesertaan salah ketik (digit pemeriksa tidak cocok).",
            "Mistyped membership number (check digit does not match).",
        ),
        "workers.already_anonymised": (
            "Data peserta ini sudah dianonimkan.",
            "This participant was already anonymised.",
        ),
        "workers.photo_type": (
            "Foto harus JPEG, PNG atau WebP.",
            "The photo must be JPEG, PNG or WebP.",
        ),
        "workers.photo_unreadable": ("Foto tidak dapat dibaca.", "The photo cannot be read."),
        "workers.version_stale": (
            "Data peserta ini sudah diubah (sekarang versi {0}). Periksa data terbaru, lalu "
            "ulangi perubahan Anda.",
            "This participant was changed meanwhile (now version {0}). Check the current "
            "details, then make your change again.",
        ),
        "workers.not_managing": (
            "Hanya agen yang mengelola peserta ini, supervisor cabangnya atau admin yang boleh "
            "mengubahnya.",
            "Only the agent managing this participant, its branch supervisor or an admin may "
            "change it.",
        ),
        "workers.deceased": (
            "Peserta ini sudah dicatat meninggal dunia pada {0}; datanya tidak dapat diubah lagi.",
            "This participant was recorded as deceased on {0}; the record can no longer be "
            "changed.",
        ),
        "workers.died_on_future": (
            "Tanggal meninggal tidak boleh setelah hari ini.",
            "The date of death cannot be after today.",
        ),
        "workers.died_on_before_birth": (
            "Tanggal meninggal tidak boleh sebelum tanggal lahir ({0}).",
            "The date of death cannot be before the birth date ({0}).",
        ),
        "workers.died_on_other": (
            "Peserta ini sudah dicatat meninggal dunia pada tanggal lain ({0}).",
            "This participant was already recorded as deceased on another date ({0}).",
        ),
        "workers.photo_too_large": (
            "Foto terlalu besar (maks. {0} MB).",
            "The photo is too large (max {0} MB).",
        ),
    }
)

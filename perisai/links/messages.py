"""Messages of the public links (their pages and the API's link bodies)."""

from perisai.i18n import register

register(
    {
        "links.page_title": ("Dokumen Peserta Perisai", "Perisai participant document"),
        "links.expired": ("Tautan sudah kedaluwarsa", "This link has expired"),
        "links.expired_detail": (
            "Tautan ini hanya berlaku 30 hari. Mintalah tautan baru kepada agen Anda.",
            "This link is valid for 30 days only. Ask your agent for a new one.",
        ),
        "links.unknown": ("Tautan tidak dikenal", "Unknown link"),
        "links.unknown_detail": (
            "Tautan ini tidak lengkap atau sudah diubah. Periksa kembali pesan dari agen Anda.",
            "This link is incomplete or was altered. Check the message from your agent again.",
        ),
        "links.card_revoked": ("Kartu sudah dicabut", "This card was revoked"),
        "links.card_revoked_detail": (
            "Kartu ini tidak berlaku lagi. Hubungi agen Anda untuk kartu pengganti.",
            "This card is no longer valid. Contact your agent for a replacement card.",
        ),
        "links.gone": ("Dokumen tidak tersedia lagi", "This document is no longer available"),
        "links.gone_detail": (
            "Data peserta ini sudah dihapus atas permintaan peserta.",
            "This participant's data was erased at the participant's request.",
        ),
        "links.switch_language": ("English", "Bahasa Indonesia"),
    }
)

"""Messages and labels of the reports and the supervisor pages (Bahasa Indonesia, English)."""

from perisai.i18n import register

register(
    {
        "reports.commissions_closed_only": (
            "Hanya bulan yang sudah ditutup.",
            "Closed months only.",
        ),
        "reports.commissions_closed": ("Bulan sudah ditutup.", "The month is closed."),
        "reports.commissions_open": (
            "Bulan belum ditutup: perkiraan per agen ada di peringkat agen.",
            "The month is still open: the per-agent estimate is on the agent leaderboard.",
        ),
        "reports.commissions_unavailable": (
            "Aturan komisi untuk bulan ini belum ada.",
            "No commission rules for this month yet.",
        ),
        "reports.estimate_line": (
            "Baris {0} tidak valid: harus kode_wilayah,jumlah (mis. 33.25,120000).",
            "Line {0} is invalid: expected region_code,count (e.g. 33.25,120000).",
        ),
        "reports.estimate_empty": ("Berkas tidak berisi data.", "The file holds no data."),
        "reports.future_month": (
            "Bulan tidak boleh setelah bulan ini.",
            "The month may not be after this month.",
        ),
    }
)

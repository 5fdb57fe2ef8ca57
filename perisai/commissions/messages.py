"""Messages of the commissions feature (Bahasa Indonesia first, English second)."""

from perisai.i18n import register

register(
    {
        "commissions.no_rules": (
            "Belum ada aturan insentif yang berlaku untuk bulan {0}.",
            "No incentive rules apply to {0}.",
        ),
        "commissions.month_future": (
            "Bulan {0} belum dimulai dan tidak dapat ditutup.",
            "{0} has not started and cannot be closed.",
        ),
        "commissions.unknown_branch": ("Kantor cabang tidak dikenal.", "Unknown branch."),
        "commissions.branch_required": (
            "Sebutkan kantor cabang (atau 'all').",
            "Name a branch (or 'all').",
        ),
        "commissions.statement_open": (
            "Bulan ini belum ditutup; laporan belum final.",
            "This month is not closed yet; the statement is not final.",
        ),
        "commissions.already_paid": (
            "Laporan ini sudah dicatat dibayar dengan data lain.",
            "This statement was already marked paid with other details.",
        ),
        "commissions.not_paid": (
            "Laporan ini belum dibayar.",
            "This statement has not been paid yet.",
        ),
        "commissions.rules_closed": (
            "Bulan {0} sudah ditutup; aturan baru hanya berlaku mulai bulan yang masih terbuka.",
            "{0} is already closed; new rules can only start in a month still open.",
        ),
        "commissions.rules_order": (
            "Batas bulan tarif penuh harus sebelum batas tarif berkurang.",
            "The full-rate band must end before the reduced-rate band.",
        ),
        "commissions.reactivation_early": (
            "Agen baru dapat diaktifkan kembali mulai {0}.",
            "The agent can be reactivated from {0}.",
        ),
        "commissions.not_suspended": (
            "Agen tidak sedang ditangguhkan.",
            "The agent is not suspended.",
        ),
    }
)

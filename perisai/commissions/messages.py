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
        "commissions.month_not_ended": (
            "Bulan {0} belum berakhir di zona waktu kantor cabang ({1}); bulan ini dapat "
            "ditutup setelah tanggal {2} berakhir.",
            "{0} has not ended in the branch's time zone ({1}); it can be closed once {2} is over.",
        ),
        "commissions.earlier_open": (
            "Menutup {0} juga menutup bulan sebelumnya yang masih terbuka: {1}. Sebutkan bulan "
            "itu di 'including' untuk menutupnya sekaligus, atau tutup satu per satu berurutan.",
            "Closing {0} also closes the earlier months still open: {1}. Name them in "
            "'including' to close them too, or close them one by one in order.",
        ),
        "commissions.including_not_earlier": (
            "Bulan {0} bukan bulan sebelum {1}.",
            "{0} is not a month before {1}.",
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

register(
    {
        "commissions.pdf.title": (
            "Laporan Insentif Agen Perisai",
            "Perisai Agent Incentive Statement",
        ),
        "commissions.pdf.wadah_title": (
            "Laporan Insentif Kantor Perisai (Wadah)",
            "Perisai Office (Wadah) Incentive Statement",
        ),
        "commissions.pdf.estimate": (
            "ESTIMASI — bulan belum ditutup, angka masih dapat berubah",
            "ESTIMATE — the month is not closed; figures may still change",
        ),
        "commissions.pdf.closed": ("Final — bulan sudah ditutup", "Final — the month is closed"),
        "commissions.pdf.month": ("Bulan", "Month"),
        "commissions.pdf.agent": ("Agen", "Agent"),
        "commissions.pdf.wadah": ("Wadah", "Wadah"),
        "commissions.pdf.bank": ("Rekening", "Bank account"),
        "commissions.pdf.statement_id": ("No. laporan", "Statement no."),
        "commissions.pdf.rule_set": ("Versi aturan", "Rule set"),
        "commissions.pdf.new_participants": ("Peserta baru", "New participants"),
        "commissions.pdf.minimum": ("Minimum per bulan", "Minimum per month"),
        "commissions.pdf.payments": ("Pembayaran", "Payments"),
        "commissions.pdf.collected": ("Iuran diterima", "Contributions collected"),
        "commissions.pdf.acquisition_fee": ("Insentif akuisisi", "Acquisition fee"),
        "commissions.pdf.collection_fee": ("Insentif penagihan", "Collection fee"),
        "commissions.pdf.total": ("Total insentif agen", "Agent incentive total"),
        "commissions.pdf.wadah_fee": ("Bagian Wadah (tambahan)", "Wadah share (extra)"),
        "commissions.pdf.payable": ("Dibayarkan ke Wadah", "Payable to the Wadah"),
        "commissions.pdf.paid": ("Dibayar", "Paid"),
        "commissions.pdf.acknowledged": ("Dikonfirmasi agen", "Acknowledged by the agent"),
        "commissions.pdf.lines": (
            "Rincian per peserta dan pembayaran",
            "Lines per participant and payment",
        ),
        "commissions.pdf.kind": ("Jenis", "Kind"),
        "commissions.pdf.participant": ("Peserta", "Participant"),
        "commissions.pdf.receipt": ("Kuitansi / tgl bayar", "Receipt / paid on"),
        "commissions.pdf.covered": ("Bulan iuran (ke-)", "Covered month (no.)"),
        "commissions.pdf.base": ("Dasar", "Base"),
        "commissions.pdf.rate": ("Tarif", "Rate"),
        "commissions.pdf.amount": ("Jumlah", "Amount"),
        "commissions.pdf.none": ("Tidak ada transaksi bulan ini.", "No transactions this month."),
        "commissions.pdf.rounding": (
            "Pembulatan: setiap baris dibulatkan ke rupiah terdekat (setengah ke atas).",
            "Rounding: each line is rounded to the nearest rupiah (halves up).",
        ),
        "commissions.pdf.threshold_missed": (
            "Minimum peserta baru tidak tercapai: insentif akuisisi Rp 0.",
            "Minimum of new participants not reached: acquisition fee Rp 0.",
        ),
        "commissions.kind.acquisition": ("Akuisisi", "Acquisition"),
        "commissions.kind.collection": ("Penagihan", "Collection"),
        "commissions.kind.reversal": ("Koreksi (pembatalan)", "Claw-back (reversal)"),
        "commissions.kind.wadah": ("Bagian Wadah", "Wadah share"),
    }
)

"""Messages of the contributions feature (Bahasa Indonesia first, English second)."""

from perisai.i18n import register

register(
    {
        "contributions.amount_mismatch": (
            "Jumlah tidak sesuai tagihan. Jumlah yang harus dibayar: {0} (Rp {1}).",
            "The amount does not match the quote. Amount due: {0} (Rp {2}).",
        ),
        "contributions.id_conflict": (
            "ID pembayaran ini sudah dipakai untuk pembayaran lain.",
            "This payment id is already used by another payment.",
        ),
        "contributions.client_reference_format": (
            "Nomor referensi kuitansi hanya boleh berisi huruf besar, angka dan tanda minus.",
            "A receipt reference may contain only capital letters, digits and hyphens.",
        ),
        "contributions.client_reference_taken": (
            "Nomor referensi kuitansi {0} sudah dipakai untuk pembayaran lain agen ini.",
            "Receipt reference {0} is already used by another payment of this agent.",
        ),
        "contributions.months_taken": (
            "Bulan-bulan ini baru saja dibayar oleh pembayaran lain. Muat ulang tagihan.",
            "These months were just paid by another payment. Reload the quote.",
        ),
        "contributions.start_moved": (
            "Bulan pertama yang dibayar kini {0}, bukan {1}. Muat ulang tagihan.",
            "The first month to pay is now {0}, not {1}. Reload the quote.",
        ),
        "contributions.paid_on_future": (
            "Tanggal bayar tidak boleh di masa depan.",
            "The payment date may not be in the future.",
        ),
        "contributions.paid_on_old": (
            "Tanggal bayar paling lama {0} hari yang lalu.",
            "The payment date may be at most {0} days ago.",
        ),
        "contributions.unknown_level": (
            "Tingkat penghasilan ini tidak ada di tabel yang berlaku untuk bulan {0}.",
            "This income level is not in the table in force for {0}.",
        ),
        "contributions.no_rates": (
            "Belum ada tarif iuran yang berlaku untuk bulan {0}.",
            "No contribution rates apply to {0}.",
        ),
        "contributions.programs": (
            "Program harus JKK,JKM atau JKK,JKM,JHT.",
            "Programs must be JKK,JKM or JKK,JKM,JHT.",
        ),
        "contributions.already_reversed": (
            "Pembayaran ini sudah dibatalkan.",
            "This payment has already been reversed.",
        ),
        "contributions.reverse_later_first": (
            "Batalkan dulu pembayaran yang lebih baru untuk peserta ini.",
            "Reverse this participant's later payments first.",
        ),
        "contributions.effective_from_past": (
            "Versi tarif baru harus berlaku mulai bulan ini atau sesudahnya.",
            "A new rate version must take effect this month or later.",
        ),
        "contributions.levels_invalid": (
            "Tabel tingkat penghasilan harus berisi bilangan bulat positif yang berbeda.",
            "The income-level table must hold distinct positive whole numbers.",
        ),
        "contributions.period": (
            "Akhir periode tidak boleh sebelum awalnya.",
            "The period may not end before it starts.",
        ),
        "contributions.sponsor_channel": (
            "Kanal 'sponsor' hanya untuk pembayaran sponsor.",
            "Channel 'sponsor' is for sponsor payments only.",
        ),
        "contributions.sponsor_months": (
            "Sponsor membayar 3, 6 atau 12 bulan.",
            "A sponsor pays 3, 6 or 12 months.",
        ),
        "contributions.sponsor_worker": (
            "Peserta tidak ditemukan di cabang sponsor.",
            "Participant not found in the sponsor's branch.",
        ),
        "contributions.sponsor_duplicate": (
            "Peserta tercantum lebih dari sekali.",
            "A participant is listed more than once.",
        ),
        "contributions.sponsor_agreement": (
            "Tanggal bayar di luar masa perjanjian sponsor.",
            "The payment date is outside the sponsor agreement.",
        ),
        "contributions.sponsor_failed": (
            "Pembayaran sponsor ditolak; tidak ada yang disimpan.",
            "The sponsor payment was refused; nothing was stored.",
        ),
        "contributions.worker_ended": (
            "Kepesertaan berakhir; pembayaran baru dimulai dari bulan berjalan.",
            "Membership ended; a new payment starts from the current month.",
        ),
        # receipts
        "receipt.title": ("TANDA BUKTI PENERIMAAN IURAN", "CONTRIBUTION RECEIPT"),
        "receipt.number": ("No. kuitansi", "Receipt no."),
        "receipt.reference": ("No. referensi", "Reference no."),
        "receipt.paid_on": ("Tanggal bayar", "Paid on"),
        "receipt.participant": ("Peserta", "Participant"),
        "receipt.membership": ("No. peserta", "Membership no."),
        "receipt.nik": ("NIK", "NIK"),
        "receipt.month": ("Bulan", "Month"),
        "receipt.total": ("Total", "Total"),
        "receipt.channel": ("Cara bayar", "Channel"),
        "receipt.agent": ("Agen", "Agent"),
        "receipt.covers": ("Masa iuran", "Months covered"),
        "receipt.reversed": ("DIBATALKAN", "REVERSED"),
        "receipt.sponsor": ("Dibayar oleh", "Paid by"),
        "receipt.footer": (
            "BPJS Ketenagakerjaan — Peserta Bukan Penerima Upah. Simpan bukti ini.",
            "BPJS Ketenagakerjaan — self-employed participant. Keep this receipt.",
        ),
        "channel.cash": ("Tunai", "Cash"),
        "channel.bank": ("Transfer bank", "Bank transfer"),
        "channel.ewallet": ("Dompet digital", "E-wallet"),
        "channel.sponsor": ("Sponsor", "Sponsor"),
    }
)

register(
    {
        "receipt.months_range": ("{0} s.d. {1} ({2} bulan)", "{0} to {1} ({2} months)"),
    }
)

# Late-recorded payments and their approval (issue 15).
register(
    {
        "contributions.paid_on_before_registration": (
            "Tanggal bayar tidak boleh sebelum tanggal pendaftaran peserta ({0}).",
            "The payment date may not be before the participant's registration ({0}).",
        ),
        "contributions.not_pending": (
            "Pembayaran ini tidak sedang menunggu persetujuan.",
            "This payment is not waiting for approval.",
        ),
        "contributions.not_accepted": (
            "Hanya pembayaran yang diterima yang dapat dibatalkan; tolak yang masih menunggu.",
            "Only an accepted payment can be reversed; reject a pending one instead.",
        ),
        "contributions.late_rule_past": (
            "Aturan keterlambatan baru harus berlaku mulai hari ini atau sesudahnya.",
            "A new late-payment rule must take effect today or later.",
        ),
        "receipt.pending": (
            "MENUNGGU PERSETUJUAN — belum memberi perlindungan",
            "AWAITING APPROVAL — gives no cover yet",
        ),
        "receipt.rejected": (
            "DITOLAK — tidak memberi perlindungan",
            "REJECTED — gives no cover",
        ),
        "approvals.title": ("Pembayaran menunggu persetujuan", "Payments awaiting approval"),
        "approvals.none": (
            "Tidak ada pembayaran yang menunggu persetujuan.",
            "No payments are waiting for approval.",
        ),
        "approvals.explained": (
            "Dicatat lebih dari {0} hari sesudah tanggal bayar, untuk bulan yang sudah lewat. "
            "Belum memberi perlindungan sampai disetujui.",
            "Recorded more than {0} days after the payment date, for months already over. "
            "Gives no cover until approved.",
        ),
        "approvals.recorded_on": ("Dicatat", "Recorded"),
        "approvals.note": ("Catatan", "Note"),
        "approvals.approve": ("Setujui", "Approve"),
        "approvals.reject": ("Tolak", "Reject"),
        "approvals.approved": ("Pembayaran disetujui.", "Payment approved."),
        "approvals.rejected": ("Pembayaran ditolak.", "Payment rejected."),
        "contributions.after_death": (
            "Peserta meninggal dunia pada {0}; iuran hanya dapat dibayar sampai bulan {1}.",
            "The participant died on {0}; contributions can be paid up to {1} only.",
        ),
    }
)

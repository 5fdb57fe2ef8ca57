"""Messages of the membership cards (API errors and the public verification page)."""

from perisai.i18n import register

register(
    {
        "cards.worker_ids_count": (
            "Kirim 1 sampai 1.000 peserta.",
            "Send between 1 and 1,000 participants.",
        ),
        "cards.workers_not_found": (
            "Peserta tidak ditemukan: {0}. Tidak ada kartu yang dicetak.",
            "Participants not found: {0}. No card was printed.",
        ),
        "cards.not_active": (
            "Hanya kartu yang aktif yang dapat dicabut.",
            "Only an active card can be revoked.",
        ),
        "cards.verify_rate": (
            "Terlalu banyak pemeriksaan kartu dari alamat ini. Coba lagi sebentar lagi.",
            "Too many card checks from this address. Try again in a minute.",
        ),
        # the public verification page
        "cards.page_title": ("Pemeriksaan Kartu Peserta", "Membership card check"),
        "cards.valid": ("Kartu asli dan berlaku", "Genuine, valid card"),
        "cards.invalid": ("Kartu tidak berlaku", "This card is not valid"),
        "cards.reason.replaced": (
            "Kartu ini sudah diganti dengan kartu yang lebih baru.",
            "This card was replaced by a newer one.",
        ),
        "cards.reason.revoked": ("Kartu ini sudah dicabut.", "This card was revoked."),
        "cards.unknown": ("Kartu tidak dikenal", "Unknown card"),
        "cards.unknown_detail": (
            "Kode ini bukan kode kartu Perisai yang asli, atau sudah diubah.",
            "This code is not a genuine Perisai card code, or it was altered.",
        ),
        "cards.name": ("Nama", "Name"),
        "cards.membership_number": ("No. Peserta", "Membership no."),
        "cards.status": ("Status kepesertaan", "Membership status"),
        "cards.covered_until": ("Perlindungan s.d.", "Protected until"),
        "cards.issued_on": ("Kartu terbit", "Card issued"),
        "cards.card_serial": ("No. Kartu", "Card no."),
        "cards.none": ("—", "—"),
        "cards.status.registered": ("Terdaftar, belum membayar iuran", "Registered, not yet paid"),
        "cards.status.active": ("Aktif", "Active"),
        "cards.status.grace": (
            "Masa tenggang (iuran tertunggak)",
            "Grace period (contributions overdue)",
        ),
        "cards.status.ended": ("Kepesertaan berakhir", "Membership ended"),
        "cards.privacy": (
            "Halaman ini tidak pernah menampilkan NIK, nomor telepon, alamat, atau tanggal lahir.",
            "This page never shows the NIK, phone number, address or birth date.",
        ),
        "cards.checked_at": ("Diperiksa", "Checked"),
        "cards.switch_language": ("English", "Bahasa Indonesia"),
    }
)

"""Labels of the Wadah and agent administration pages (Bahasa Indonesia, English)."""

from perisai.i18n import register

register(
    {
        "sva.nav": ("Wadah & Agen", "Wadah & agents"),
        "sva.wadah_list": ("Wadah dan Agen", "Wadah and agents"),
        "sva.wadah_help": (
            "Wadah cabang ini dengan masa PKS dan jumlah agen aktifnya. Sebuah Wadah "
            "mengoordinasikan paling sedikit 5 agen, dan PKS berlaku paling lama 1 tahun.",
            "The branch's Wadah with their PKS period and active agents. A Wadah coordinates "
            "at least 5 agents, and a PKS lasts at most one year.",
        ),
        "sva.new_wadah": ("Tambah Wadah", "Add a Wadah"),
        "sva.edit_wadah": ("Ubah Wadah", "Edit Wadah"),
        "sva.wadah_name": ("Nama Wadah", "Wadah name"),
        "sva.pks_number": ("Nomor PKS", "PKS number"),
        "sva.pks_start": ("PKS mulai", "PKS start"),
        "sva.pks_end": ("PKS berakhir", "PKS end"),
        "sva.pks_period": ("Masa PKS", "PKS period"),
        "sva.pks_hint": ("Paling lama 1 tahun.", "At most one year."),
        "sva.bank_name": ("Nama bank", "Bank"),
        "sva.bank_account": ("Nomor rekening", "Account number"),
        "sva.bank": ("Rekening", "Bank account"),
        "sva.target_hint": (
            "Peserta baru per bulan; 0 bila tidak ada target.",
            "New participants a month; 0 for no target.",
        ),
        "sva.agents_active": ("Agen aktif", "Active agents"),
        "sva.agents_total": ("Semua agen", "All agents"),
        "sva.warnings": ("Peringatan", "Warnings"),
        "sva.no_warnings": ("Tidak ada", "None"),
        "sva.warn.pks_ending": (
            "PKS berakhir {0}: siapkan perpanjangan",
            "PKS ends {0}: prepare the renewal",
        ),
        "sva.warn.pks_ended": ("PKS sudah berakhir {0}", "PKS ended {0}"),
        "sva.warn.few_agents": (
            "Hanya {0} agen aktif (paling sedikit 5)",
            "Only {0} active agents (at least 5)",
        ),
        "sva.save": ("Simpan", "Save"),
        "sva.cancel": ("Batal", "Cancel"),
        "sva.back": ("Kembali", "Back"),
        "sva.choose": ("— pilih —", "— choose —"),
        "sva.choose_branch": ("Pilih kantor cabang.", "Choose a branch."),
        "sva.form_errors": ("Periksa isian yang ditandai.", "Check the marked fields."),
        "sva.bad_account": (
            "Nomor rekening hanya berisi angka (boleh dengan tanda hubung atau spasi).",
            "An account number holds digits only (dashes or spaces allowed).",
        ),
        "sva.bad_code": (
            "Kode agen hanya huruf, angka dan tanda hubung, mis. PRS-BTG-0007.",
            "An agent code holds letters, digits and dashes only, e.g. PRS-BTG-0007.",
        ),
        "sva.bad_username": (
            "Nama pengguna hanya huruf, angka, titik, garis bawah dan tanda hubung.",
            "A username holds letters, digits, dots, underscores and dashes only.",
        ),
        "sva.done.wadah_created": ("Wadah dibuat.", "Wadah created."),
        "sva.done.wadah_saved": ("Perubahan Wadah disimpan.", "Wadah changes saved."),
        "sva.new_agent": ("Tambah agen", "Add an agent"),
        "sva.edit_agent": ("Ubah data agen", "Edit agent"),
        "sva.agent_code": ("Kode agen", "Agent code"),
        "sva.full_name": ("Nama lengkap", "Full name"),
        "sva.nik": ("NIK", "NIK"),
        "sva.nik_hint": ("16 digit, dari KTP agen.", "16 digits, from the agent's ID card."),
        "sva.phone": ("Nomor HP", "Mobile number"),
        "sva.joined_on": ("Tanggal bergabung", "Joined on"),
        "sva.login": ("Akun masuk aplikasi", "App login"),
        "sva.login_hint": (
            "Agen masuk ke aplikasi Perisai dengan nama pengguna dan kata sandi awal ini; "
            "sampaikan secara langsung, jangan lewat pesan.",
            "The agent signs in to the Perisai app with this username and initial password; "
            "hand them over in person, not by message.",
        ),
        "sva.password_hint": ("Paling sedikit 10 karakter.", "At least 10 characters."),
        "sva.no_login": ("Belum punya akun masuk.", "No login yet."),
        "sva.admin": ("Administrasi agen", "Agent administration"),
        "sva.portfolio": ("Peserta dikelola", "Participants managed"),
        "sva.suspend": ("Nonaktifkan sementara", "Suspend"),
        "sva.suspend_hint": (
            "Agen tidak dapat mendaftarkan atau mencatat pembayaran sampai diaktifkan kembali, "
            "paling cepat {0} bulan kemudian.",
            "The agent cannot register or record payments until reinstated, no sooner than "
            "{0} months later.",
        ),
        "sva.reinstate": ("Aktifkan kembali", "Reinstate"),
        "sva.reinstate_from": (
            "Dapat diaktifkan kembali mulai {0}.",
            "Can be reinstated from {0}.",
        ),
        "sva.dismiss": ("Berhentikan agen", "Dismiss agent"),
        "sva.dismiss_title": ("Berhentikan {0}?", "Dismiss {0}?"),
        "sva.dismiss_hint": (
            "Pemberhentian bersifat tetap: agen masih dapat masuk dan melihat datanya, tetapi "
            "tidak dapat mendaftarkan, mencatat pembayaran atau mengirim data.",
            "A dismissal is final: the agent can still sign in and view its data, but not "
            "register, record payments or send data.",
        ),
        "sva.dismiss_portfolio": (
            "Agen ini mengelola {0} peserta; setelah pemberhentian, alihkan mereka ke agen aktif.",
            "This agent manages {0} participants; after the dismissal, move them to an active "
            "agent.",
        ),
        "sva.dismiss_yes": ("Ya, berhentikan", "Yes, dismiss"),
        "sva.reason": ("Alasan", "Reason"),
        "sva.note": ("Catatan", "Note"),
        "sva.reason.no_activity": ("Tidak ada aktivitas", "No activity"),
        "sva.reason.resigned": ("Mengundurkan diri", "Resigned"),
        "sva.reason.fraud": ("Kecurangan", "Fraud"),
        "sva.reason.misconduct": ("Pelanggaran aturan", "Misconduct"),
        "sva.reason.other": ("Lainnya", "Other"),
        "sva.history": ("Riwayat status", "Status history"),
        "sva.when": ("Waktu", "When"),
        "sva.by": ("Oleh", "By"),
        "sva.done.agent_created": (
            "Agen dan akun masuknya dibuat: agen dapat masuk ke aplikasi Perisai.",
            "Agent and login created: the agent can sign in to the Perisai app.",
        ),
        "sva.done.agent_saved": ("Data agen disimpan.", "Agent details saved."),
        "sva.done.suspended": ("Agen dinonaktifkan sementara.", "The agent is suspended."),
        "sva.done.reinstated": ("Agen aktif kembali.", "The agent is active again."),
        "sva.done.dismissed": ("Agen diberhentikan.", "The agent is dismissed."),
        "sva.done.moved": ("{0} peserta dialihkan.", "{0} participants moved."),
        "sva.must_reassign": (
            "Agen ini tidak aktif tetapi masih mengelola {0} peserta: alihkan ke agen aktif.",
            "This agent is not active but still manages {0} participants: move them to an "
            "active agent.",
        ),
        "sva.reassign": ("Alihkan peserta", "Move participants"),
        "sva.reassign_title": ("Alihkan peserta {0}", "Move {0}'s participants"),
        "sva.reassign_to": ("Agen tujuan", "Move to agent"),
        "sva.reassign_all": ("Semua peserta ({0})", "All participants ({0})"),
        "sva.reassign_chosen": ("Hanya peserta yang dicentang", "Only the ticked participants"),
        "sva.reassign_fees": (
            "Iuran sejak bulan ini dicatat untuk agen tujuan, sehingga fee koleksi ikut pindah; "
            "fee akuisisi dan hitungan 60 bulan tetap seperti semula.",
            "Contributions from this month on are recorded for the new agent, so collection "
            "fees move with them; the acquisition fee and the 60-month count stay as they were.",
        ),
        "sva.next_step": ("Lanjut", "Continue"),
        "sva.reassign_confirm": (
            "Pindahkan {0} peserta dari {1} ke {2}?",
            "Move {0} participants from {1} to {2}?",
        ),
        "sva.reassign_yes": ("Ya, pindahkan", "Yes, move them"),
        "sva.no_targets": (
            "Tidak ada agen aktif lain di cabang ini.",
            "No other active agent in this branch.",
        ),
        "sva.choose_target": ("Pilih agen tujuan.", "Choose the agent to move them to."),
        "sva.choose_some": (
            "Centang paling sedikit satu peserta.",
            "Tick at least one participant.",
        ),
        "sva.no_portfolio": ("Agen ini tidak mengelola peserta.", "This agent manages nobody."),
        "sva.shown_first": (
            'Menampilkan {0} peserta pertama dari {1}; pilih "Semua peserta" untuk semuanya.',
            'Showing the first {0} of {1} participants; choose "All participants" for all.',
        ),
        "sva.status_change": ("{0} → {1}", "{0} → {1}"),
        # English says "1 participant", not "1 participants" (Bahasa Indonesia has one form)
        "sva.warn.few_agents_one": (
            "Hanya {0} agen aktif (paling sedikit 5)",
            "Only {0} active agent (at least 5)",
        ),
        "sva.done.moved_one": ("{0} peserta dialihkan.", "{0} participant moved."),
        "sva.must_reassign_one": (
            "Agen ini tidak aktif tetapi masih mengelola {0} peserta: alihkan ke agen aktif.",
            "This agent is not active but still manages {0} participant: move them to an "
            "active agent.",
        ),
        "sva.reassign_confirm_one": (
            "Pindahkan {0} peserta dari {1} ke {2}?",
            "Move {0} participant from {1} to {2}?",
        ),
        "sva.dismiss_portfolio_one": (
            "Agen ini mengelola {0} peserta; setelah pemberhentian, alihkan mereka ke agen aktif.",
            "This agent manages {0} participant; after the dismissal, move them to an active "
            "agent.",
        ),
        "sv.wadah_status.terminated": ("Diberhentikan", "Terminated"),
    }
)

"""Messages of collective enrolment (imports)."""

from perisai.i18n import register

register(
    {
        "imports.file_required": ("Pilih berkas CSV atau XLSX.", "Choose a CSV or XLSX file."),
        "imports.file_format": (
            "Berkas harus CSV (.csv) atau Excel (.xlsx).",
            "The file must be CSV (.csv) or Excel (.xlsx).",
        ),
        "imports.file_unreadable": (
            "Berkas tidak dapat dibaca: {0}.",
            "The file could not be read: {0}.",
        ),
        "imports.file_empty": ("Berkas tidak berisi baris data.", "The file has no data rows."),
        "imports.too_many_rows": (
            "Paling banyak {0} baris per berkas.",
            "At most {0} rows per file.",
        ),
        "imports.columns_missing": (
            "Kolom wajib tidak ada: {0}.",
            "Required columns are missing: {0}.",
        ),
        "imports.column_twice": ("Kolom {0} muncul dua kali.", "Column {0} appears twice."),
        "imports.duplicate_in_file": (
            "NIK sama dengan baris {0} di berkas ini.",
            "Same NIK as row {0} of this file.",
        ),
        "imports.nik_as_number": (
            "NIK tersimpan sebagai angka di Excel (digit bisa hilang); format kolom sebagai Teks.",
            "The NIK is stored as a number in Excel (digits may be lost); format it as Text.",
        ),
        "imports.date_invalid": (
            "Tanggal harus YYYY-MM-DD atau DD/MM/YYYY.",
            "Dates must be YYYY-MM-DD or DD/MM/YYYY.",
        ),
        "imports.gender_invalid": (
            "Jenis kelamin harus L/P (atau M/F).",
            "Gender must be M/F (or L/P).",
        ),
        "imports.number_invalid": ("Harus berupa angka rupiah.", "Must be a rupiah amount."),
        "imports.agent_not_in_wadah": (
            "Kode agen bukan agen dari Wadah Anda.",
            "The agent code is not an agent of your Wadah.",
        ),
        "imports.sponsor_agents": (
            "Hanya supervisor atau admin yang dapat melampirkan pembayaran sponsor.",
            "Only supervisors or admins can attach a sponsor payment.",
        ),
        "imports.sponsor_unknown": ("Sponsor tidak ditemukan.", "Unknown sponsor."),
        "imports.sponsor_months": (
            "Sponsor membayar 3, 6 atau 12 bulan.",
            "A sponsor pays 3, 6 or 12 months.",
        ),
        "imports.sponsor_branch": (
            "Peserta ini tidak berada di cabang sponsor.",
            "This participant is not in the sponsor's branch.",
        ),
        "imports.sponsor_chunk": (
            "Pembayaran sponsor untuk kelompok baris ini ditolak.",
            "The sponsor payment for this group of rows was refused.",
        ),
        "imports.busy": (
            "Impor ini sedang berjalan; tunggu sampai selesai.",
            "This import is running; wait until it finishes.",
        ),
        "imports.not_resumable": (
            "Impor ini tidak terputus; tidak ada yang perlu dilanjutkan.",
            "This import was not interrupted; there is nothing to resume.",
        ),
        "imports.not_committable": (
            "Impor ini sudah dijalankan.",
            "This import has already been run.",
        ),
        "imports.options_fixed": (
            "Berkas ini sudah diimpor dengan pilihan lain; pilihan tidak dapat diubah.",
            "This file was already imported with other options; they cannot be changed.",
        ),
        "imports.rollback_state": (
            "Hanya impor yang terputus atau gagal yang dapat dibatalkan.",
            "Only an interrupted or failed import can be rolled back.",
        ),
        "imports.rollback_payments": (
            "Peserta dari impor ini sudah memiliki pembayaran; lanjutkan impor, jangan dibatalkan.",
            "Participants of this import already have payments; resume the import instead.",
        ),
        "imports.rollback_blocked": (
            "Peserta dari impor ini sudah dipakai di data lain; pembatalan tidak mungkin.",
            "Participants of this import are referenced elsewhere; it cannot be rolled back.",
        ),
        "imports.rolled_back": (
            "Dibatalkan: impor semua-atau-tidak-sama-sekali dihentikan oleh baris lain.",
            "Rolled back: the all-or-nothing import was stopped by another row.",
        ),
        "imports.failed": (
            "Impor berhenti karena kesalahan; dapat dilanjutkan.",
            "The import stopped on an error; it can be resumed.",
        ),
        "imports.row_error": ("Baris tidak dapat diproses.", "The row could not be processed."),
        # the supervisor page
        "imports.page.title": ("Impor peserta kolektif", "Collective participant import"),
        "imports.page.intro": (
            "Unggah daftar peserta (CSV atau XLSX). Uji coba dulu: setiap masalah dilaporkan "
            "dengan nomor barisnya, tanpa menyimpan apa pun.",
            "Upload a participant list (CSV or XLSX). Try a dry run first: every problem is "
            "reported with its row number and nothing is stored.",
        ),
        "imports.page.templates": ("Templat", "Templates"),
        "imports.page.template_id": ("Bahasa Indonesia", "Bahasa Indonesia"),
        "imports.page.template_en": ("Bahasa Inggris", "English"),
        "imports.page.file": ("Berkas", "File"),
        "imports.page.mode": ("Jika ada baris bermasalah", "If some rows have problems"),
        "imports.page.all_or_nothing": (
            "Semua atau tidak sama sekali (tidak ada yang diimpor)",
            "All or nothing (nothing is imported)",
        ),
        "imports.page.valid_only": (
            "Impor baris yang valid saja",
            "Import the valid rows only",
        ),
        "imports.page.agent_code": ("Kode agen pengelola", "Managing agent code"),
        "imports.page.notice_version": (
            "Versi pemberitahuan privasi (bila tidak ada kolomnya)",
            "Privacy notice version (when the file has no such column)",
        ),
        "imports.page.sponsor": ("Pembayaran sponsor (opsional)", "Sponsor payment (optional)"),
        "imports.page.no_sponsor": ("— tanpa sponsor —", "— no sponsor —"),
        "imports.page.months": ("Bulan", "Months"),
        "imports.page.paid_on": ("Tanggal bayar", "Paid on"),
        "imports.page.dry_run": ("Uji coba (dry run)", "Dry run"),
        "imports.page.import": ("Impor sekarang", "Import now"),
        "imports.page.jobs": ("Impor sebelumnya", "Earlier imports"),
        "imports.page.none": ("Belum ada impor.", "No imports yet."),
        "imports.page.state": ("Status", "State"),
        "imports.page.rows": ("Baris", "Rows"),
        "imports.page.valid": ("Valid", "Valid"),
        "imports.page.invalid": ("Bermasalah", "With problems"),
        "imports.page.imported": ("Diimpor", "Imported"),
        "imports.page.paid": ("Dibayar sponsor", "Paid by sponsor"),
        "imports.page.amount": ("Jumlah dibayar", "Amount paid"),
        "imports.page.problems": ("Masalah per baris", "Problems by row"),
        "imports.page.no_problems": ("Tidak ada masalah.", "No problems."),
        "imports.page.row": ("Baris", "Row"),
        "imports.page.column": ("Kolom", "Column"),
        "imports.page.message": ("Masalah", "Problem"),
        "imports.page.report_csv": ("Unduh laporan baris (CSV)", "Download the row report (CSV)"),
        "imports.page.running": (
            "Sedang berjalan… halaman ini diperbarui sendiri.",
            "Running… this page updates itself.",
        ),
        "imports.page.interrupted": (
            "Impor ini terputus. Lanjutkan dari baris terakhir, atau batalkan.",
            "This import was interrupted. Resume it from where it stopped, or roll it back.",
        ),
        "imports.page.resume": ("Lanjutkan", "Resume"),
        "imports.page.rollback": ("Batalkan", "Roll back"),
        "imports.page.commit_title": ("Impor berkas ini", "Import this file"),
        "imports.page.back": ("Kembali ke daftar impor", "Back to the imports"),
        "imports.page.agent_from_file": (
            "Dari kolom kode_agen di berkas",
            "From the file's agent_code column",
        ),
        "imports.page.whole_row": ("(seluruh baris)", "(the whole row)"),
        "imports.page.previous": ("Sebelumnya", "Previous"),
        "imports.page.next": ("Berikutnya", "Next"),
        "imports.page.unknown_columns": (
            "Kolom yang diabaikan",
            "Ignored columns",
        ),
        "imports.state.queued": ("Menunggu", "Queued"),
        "imports.state.validating": ("Memeriksa", "Checking"),
        "imports.state.validated": ("Sudah diperiksa (uji coba)", "Checked (dry run)"),
        "imports.state.rejected": (
            "Ditolak: ada baris bermasalah, tidak ada yang diimpor",
            "Rejected: some rows have problems, nothing was imported",
        ),
        "imports.state.importing": ("Mengimpor", "Importing"),
        "imports.state.paying": ("Mencatat pembayaran sponsor", "Recording sponsor payments"),
        "imports.state.done": ("Selesai", "Done"),
        "imports.state.rolling_back": ("Membatalkan", "Rolling back"),
        "imports.state.rolled_back": ("Dibatalkan", "Rolled back"),
    }
)

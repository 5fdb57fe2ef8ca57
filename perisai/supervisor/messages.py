"""Labels of the supervisor pages (Bahasa Indonesia, English)."""

from perisai.i18n import register

register(
    {
        "sv.title": ("Dasbor Supervisor Perisai", "Perisai Supervisor Dashboard"),
        "sv.overview": ("Ringkasan", "Overview"),
        "sv.agents": ("Peringkat Agen", "Agent Leaderboard"),
        "sv.regions": ("Wilayah", "Regions"),
        "sv.wadah": ("Wadah", "Wadah"),
        "sv.month": ("Bulan", "Month"),
        "sv.branch": ("Kantor Cabang", "Branch"),
        "sv.all_branches": ("Semua kantor cabang", "All branches"),
        "sv.show": ("Tampilkan", "Show"),
        "sv.login": ("Masuk", "Log in"),
        "sv.logout": ("Keluar", "Log out"),
        "sv.username": ("Nama pengguna", "Username"),
        "sv.password": ("Kata sandi", "Password"),
        "sv.login_failed": ("Nama pengguna atau kata sandi salah.", "Wrong username or password."),
        "sv.login_locked": (
            "Terlalu banyak percobaan. Coba lagi dalam 15 menit.",
            "Too many attempts. Try again in 15 minutes.",
        ),
        "sv.forbidden": (
            "Halaman ini hanya untuk supervisor dan admin.",
            "This page is for supervisors and admins only.",
        ),
        "sv.figure": ("Angka", "Figure"),
        "sv.this_month": ("Bulan ini", "This month"),
        "sv.last_month": ("Bulan lalu", "Last month"),
        "sv.change": ("Perubahan", "Change"),
        "sv.target": ("Target", "Target"),
        "sv.new_participants": ("Peserta baru", "New participants"),
        "sv.first_payments": ("Pembayaran pertama", "First payments"),
        "sv.active_participants": ("Peserta aktif", "Active participants"),
        "sv.grace_participants": ("Peserta masa tenggang", "Participants in grace"),
        "sv.ended_participants": ("Kepesertaan berakhir", "Memberships ended"),
        "sv.collected_amount": ("Iuran terkumpul", "Contributions collected"),
        "sv.commissions_due": ("Komisi terutang", "Commissions due"),
        "sv.registered_total": ("Total terdaftar", "Registered in total"),
        "sv.trend": ("Tren 12 bulan", "12-month trend"),
        "sv.rank": ("Peringkat", "Rank"),
        "sv.rank_note": (
            "Peringkat menurut peserta aktif, lalu iuran terkumpul, lalu pembayaran pertama: "
            "pendaftaran yang tidak pernah membayar tidak menaikkan peringkat.",
            "Ranked by active participants, then contributions collected, then first payments: "
            "registrations that never pay do not raise the rank.",
        ),
        "sv.agent": ("Agen", "Agent"),
        "sv.status": ("Status", "Status"),
        "sv.any": ("Semua", "Any"),
        "sv.first_payment_rate": ("Tingkat bayar pertama", "First-payment rate"),
        "sv.retention": ("Retensi {0} bln", "{0}-month retention"),
        "sv.commission": ("Komisi", "Commission"),
        "sv.days_idle": ("Hari sejak aktivitas", "Days since activity"),
        "sv.flags": ("Tanda", "Flags"),
        "sv.download": ("Unduh", "Download"),
        "sv.participants": ("Peserta", "Participants"),
        "sv.previous": ("Sebelumnya", "Previous"),
        "sv.next": ("Berikutnya", "Next"),
        "sv.by_status": ("Peserta menurut status", "Participants by status"),
        "sv.status.registered": ("Terdaftar (belum bayar)", "Registered (not paid)"),
        "sv.status.active": ("Aktif", "Active"),
        "sv.status.grace": ("Masa tenggang", "Grace"),
        "sv.status.ended": ("Berakhir", "Ended"),
        "sv.status.suspended": ("Dinonaktifkan sementara", "Suspended"),
        "sv.status.terminated": ("Diberhentikan", "Terminated"),
        "sv.map": ("Titik pendaftaran (GPS)", "Registration points (GPS)"),
        "sv.map_offline": (
            "Peta dasar tidak dimuat (mode luring); titik digambar pada latar polos.",
            "No base map loaded (offline mode); points drawn on a plain background.",
        ),
        "sv.no_points": ("Belum ada titik GPS.", "No GPS points yet."),
        "sv.backlog": ("Tunggakan perpanjangan", "Renewal backlog"),
        "sv.name": ("Nama", "Name"),
        "sv.membership_number": ("No. kepesertaan", "Membership no."),
        "sv.covered_until": ("Terlindungi sampai", "Covered until"),
        "sv.none": ("Tidak ada.", "None."),
        "sv.region": ("Wilayah", "Region"),
        "sv.registered": ("Terdaftar", "Registered"),
        "sv.active": ("Aktif", "Active"),
        "sv.estimate": ("Perkiraan pekerja informal", "Informal workforce estimate"),
        "sv.coverage": ("Cakupan aktif", "Active coverage"),
        "sv.registered_coverage": ("Cakupan terdaftar", "Registered coverage"),
        "sv.districts_of": ("Kecamatan di {0}", "Districts of {0}"),
        "sv.upload_estimates": (
            "Unggah perkiraan tenaga kerja (CSV)",
            "Upload workforce estimate (CSV)",
        ),
        "sv.upload_help": (
            "Satu baris per wilayah: kode_wilayah,jumlah "
            "(kabupaten PP.KK atau kecamatan PP.KK.CC).",
            "One line per region: region_code,count (regency PP.KK or district PP.KK.CC).",
        ),
        "sv.source": ("Sumber data", "Source"),
        "sv.upload": ("Unggah", "Upload"),
        "sv.uploaded": ("{0} perkiraan disimpan.", "{0} estimates saved."),
        "sv.wadah_fee": ("Fee Wadah", "Wadah fee"),
        "sv.pks": ("PKS", "PKS"),
        "sv.monthly_target": ("Target bulanan", "Monthly target"),
        "sv.wadah_list": ("Daftar Wadah", "Wadah list"),
        "sv.language": ("English", "Bahasa Indonesia"),
        "sv.not_available": ("belum tersedia", "not available yet"),
        "sv.bad_query": (
            "Alamat halaman berisi pilihan yang tidak valid",
            "The page address holds choices that are not valid",
        ),
        "sv.bad_query_back": ("Buka halaman tanpa pilihan itu", "Open the page without them"),
        "sv.unknown_branch": ("Kantor cabang tidak dikenal.", "Unknown branch."),
        "sv.unknown_wadah": (
            "Wadah tidak dikenal di kantor cabang ini.",
            "No such Wadah in this branch.",
        ),
        "sv.regency_code": (
            "Kode kabupaten/kota harus PP.KK (mis. 33.25).",
            "A regency code is PP.KK (e.g. 33.25).",
        ),
        "sv.month_too_early": ("Bulan paling awal {0}.", "The earliest month is {0}."),
        "sv.months": ("Tutup bulan komisi", "Close commission months"),
        "sv.time_zone": ("Zona waktu", "Time zone"),
        "sv.last_closed": ("Terakhir ditutup", "Last closed"),
        "sv.never_closed": ("belum pernah", "never"),
        "sv.month_to_close": ("Bulan yang ditutup", "Month to close"),
        "sv.preview_close": ("Periksa", "Check"),
        "sv.already_closed": (
            "Bulan {0} sudah ditutup; menutup lagi tidak mengubah apa pun.",
            "{0} is closed already; closing it again changes nothing.",
        ),
        "sv.close_also": (
            "Bulan sebelum {0} berikut masih terbuka dan akan ikut ditutup. Centang setiap "
            "bulan untuk menyetujui:",
            "These months before {0} are still open and will be closed too. Tick each one to "
            "confirm:",
        ),
        "sv.close_will_close": ("Yang akan ditutup: {0}.", "This closes: {0}."),
        "sv.close_confirm": ("Tutup {0}", "Close {0}"),
        "sv.months_closed": ("Bulan {0} sudah ditutup.", "{0} is closed."),
        # overview comparison, charts, map, leaderboard scrolling (issue 17)
        "sv.in_progress": (
            "Bulan berjalan: sampai {0}. Peserta baru dan iuran terkumpul dibandingkan dengan "
            "tanggal yang sama bulan lalu (sampai {1}); angka lain baru dapat dibandingkan "
            "setelah bulan selesai.",
            "Month in progress: up to {0}. New participants and contributions collected are "
            "compared with the same days of last month (up to {1}); the other figures can be "
            "compared once the month is over.",
        ),
        "sv.to_date": ("s.d. tanggal yang sama", "same days"),
        "sv.whole_month": ("sebulan penuh", "whole month"),
        "sv.not_comparable": ("bulan berjalan", "month in progress"),
        "sv.change_good": ("membaik", "better"),
        "sv.change_bad": ("memburuk", "worse"),
        "sv.chart_active": ("Peserta aktif per bulan", "Active participants per month"),
        "sv.chart_new": (
            "Peserta baru dan pembayaran pertama per bulan",
            "New participants and first payments per month",
        ),
        "sv.chart_money": (
            "Iuran terkumpul per bulan (Rp)",
            "Contributions collected per month (Rp)",
        ),
        "sv.coverage_chart": (
            "Peserta aktif (batang hijau) dibanding perkiraan pekerja informal (batang abu-abu)",
            "Active participants (green bars) against the informal workforce estimate (grey bars)",
        ),
        "sv.wadah_status.active": ("Aktif", "Active"),
        "sv.wadah_status.inactive": ("Tidak aktif", "Inactive"),
        "sv.wadah_status.suspended": ("Dinonaktifkan sementara", "Suspended"),
        "sv.wadah_status.ended": ("Berakhir", "Ended"),
        "sv.legend": ("Keterangan warna", "Colour key"),
        "sv.legend.active": ("aktif bulan ini", "active this month"),
        "sv.legend.grace": (
            "masa tenggang (tunggakan masih dapat dibayar)",
            "in grace (arrears payable)",
        ),
        "sv.legend.ended": ("kepesertaan berakhir", "membership ended"),
        "sv.legend.registered": ("terdaftar, belum pernah membayar", "registered, never paid"),
        "sv.map_plain": (
            "Tanpa peta dasar: titik digambar menurut garis lintang dan bujur (derajat).",
            "No base map: points drawn by latitude and longitude (degrees).",
        ),
        "sv.map_tiles_failed": (
            "Peta dasar tidak dapat dimuat; titik ditampilkan tanpa peta dasar.",
            "The base map could not be loaded; points are shown without it.",
        ),
        "sv.flag.status.suspended": ("Dinonaktifkan sementara", "Suspended"),
        "sv.flag.status.terminated": ("Diberhentikan", "Dismissed"),
        "sv.flag.warning.no_transaction": (
            "Peringatan: tanpa transaksi",
            "Warning: no transactions",
        ),
        "sv.flag.warning.no_acquisition": (
            "Peringatan: tanpa peserta baru membayar",
            "Warning: no new paying participants",
        ),
        "sv.flag.suspended.no_transaction": (
            "Dinonaktifkan: tanpa transaksi",
            "Suspended: no transactions",
        ),
        "sv.flag.suspended.no_acquisition": (
            "Dinonaktifkan: tanpa peserta baru membayar",
            "Suspended: no new paying participants",
        ),
        "sv.flag.registrations_never_paid": (
            "Pendaftarannya belum pernah membayar",
            "Registrations never paid",
        ),
        "sv.scroll_hint": (
            "Geser tabel ke samping untuk melihat kolom lainnya.",
            "Scroll the table sideways to see more columns.",
        ),
    }
)

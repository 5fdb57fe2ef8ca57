"""Messages of the account checks (Bahasa Indonesia first, English second)."""

from perisai.i18n import register

register(
    {
        "auth.agent_suspended": (
            "Akun agen Anda sedang ditangguhkan: Anda hanya dapat melihat data, tidak dapat "
            "mendaftarkan, mencatat pembayaran atau mengirim data. Hubungi kantor cabang.",
            "Your agent account is suspended: you can view your data but not register, record "
            "payments or send data. Contact your branch.",
        ),
        "auth.agent_terminated": (
            "Akun agen Anda sudah diberhentikan: Anda hanya dapat melihat data, tidak dapat "
            "mendaftarkan, mencatat pembayaran atau mengirim data. Hubungi kantor cabang.",
            "Your agent account has been dismissed: you can view your data but not register, "
            "record payments or send data. Contact your branch.",
        ),
    }
)

"""Messages of branches, Wadah and agents (Bahasa Indonesia, English)."""

from perisai.i18n import register

register(
    {
        "agents.code_taken": ("Kode agen ini sudah dipakai.", "This agent code is taken."),
        "agents.nik_taken": (
            "NIK ini sudah terdaftar sebagai agen.",
            "This NIK is registered as an agent already.",
        ),
        "agents.too_young": (
            "Agen harus berusia paling sedikit {0} tahun (menurut NIK).",
            "An agent must be at least {0} years old (by the NIK).",
        ),
        "agents.joined_future": (
            "Tanggal bergabung tidak boleh di masa depan.",
            "The joining date cannot be in the future.",
        ),
        "agents.wadah_other_branch": (
            "Wadah harus dari kantor cabang yang sama.",
            "The Wadah must be of the same branch.",
        ),
        "agents.not_active": (
            "Hanya agen aktif yang dapat dinonaktifkan sementara.",
            "Only an active agent can be suspended.",
        ),
        "agents.reinstate_early": (
            "Agen yang ditangguhkan baru dapat diaktifkan kembali mulai {0}.",
            "A suspended agent can be reinstated from {0} only.",
        ),
        "agents.already_dismissed": (
            "Agen ini sudah diberhentikan.",
            "This agent has been dismissed already.",
        ),
        "agents.dismiss_reason": ("Pilih alasan pemberhentian.", "Choose a reason for dismissal."),
        "agents.dismiss_note": (
            'Tuliskan alasannya bila memilih "lainnya".',
            'Write the reason when choosing "other".',
        ),
        "agents.reassign_target_unknown": (
            "Agen tujuan tidak ditemukan di cabang yang sama.",
            "No agent with this code in the same branch.",
        ),
        "agents.reassign_same": (
            "Agen tujuan harus berbeda dari agen asal.",
            "The new agent must be another agent.",
        ),
        "agents.reassign_target_inactive": (
            "Agen {0} tidak aktif dan tidak dapat menerima peserta.",
            "Agent {0} is not active and cannot take participants.",
        ),
        "agents.reassign_not_managed": (
            "Peserta ini tidak dikelola oleh agen {0}: {1}.",
            "These participants are not managed by agent {0}: {1}.",
        ),
    }
)

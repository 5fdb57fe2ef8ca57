"""Messages of branches, Wadah and agents (Bahasa Indonesia, English)."""

from perisai.i18n import register

register(
    {
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

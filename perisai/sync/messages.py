"""Messages of the sync feature (Bahasa Indonesia, English)."""

from perisai.i18n import register

register(
    {
        "sync.too_many": (
            "Paling banyak {0} operasi dalam satu kiriman.",
            "At most {0} operations in one request.",
        ),
        "sync.op_id_reused": (
            "op_id ini sudah dipakai untuk isi yang berbeda.",
            "This op_id was already used with different content.",
        ),
        "sync.op_id_taken": (
            "op_id ini milik operasi lain.",
            "This op_id belongs to another operation.",
        ),
        "sync.unknown_type": (
            "Jenis operasi tidak dikenal.",
            "Unknown operation type.",
        ),
        "sync.payload": ("Isi operasi harus berupa objek.", "The payload must be an object."),
        "sync.cursor_invalid": (
            "Penanda sinkronisasi tidak dikenal. Muat ulang daftar peserta dari awal.",
            "Unknown sync cursor. Load the participant list again from the start.",
        ),
        "sync.failed": (
            "Operasi ini gagal di server; coba kirim lagi nanti.",
            "This operation failed on the server; try sending it again later.",
        ),
    }
)

"""Messages of the region reference data."""

from perisai.i18n import register

register(
    {
        "regions.code_format": (
            "Kode wilayah harus berbentuk PP, PP.KK, PP.KK.CC atau PP.KK.CC.VVVV.",
            "A region code looks like PP, PP.KK, PP.KK.CC or PP.KK.CC.VVVV.",
        ),
        "regions.unknown": ("Kode wilayah tidak dikenal.", "Unknown region code."),
    }
)

"""Links a participant can open: signed, expiring public URLs to one card or one receipt PDF."""

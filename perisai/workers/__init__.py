"""Participants (Peserta BPU): registration, NIK rules, de-duplication, consent, photos."""

"""The append-only audit log: who read or changed which participant, card, payment, commission."""

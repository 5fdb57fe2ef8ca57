"""The append-only audit log: who read or changed which participant, card, payment, commission.

Events are recorded where the operation happens, for every entry point (`operations`: the
actor, `record_many`, `note_read`); the request hook (`hooks`) writes a request's reads after
the view and describes by their route and path ids the API's requests whose operation recorded
no event of its own (`mark_recorded`)."""

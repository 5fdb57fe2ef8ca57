"""Reaching participants (DOMAIN.md §11): the notification outbox, its WhatsApp and SMS gateways."""

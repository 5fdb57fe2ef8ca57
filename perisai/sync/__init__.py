"""The PWA's outbox endpoint: batches of client operations applied one savepoint at a time."""

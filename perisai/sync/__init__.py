"""The PWA's outbox endpoint: batches of client operations, each answered on its own."""

"""Agent incentives (DOMAIN.md §4): versioned rule sets, the ledger, monthly close, statements,
statement PDFs and agent standing."""

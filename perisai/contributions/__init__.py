"""Contributions (iuran): versioned rate rules, quotes, payments, coverage, receipts, sponsors."""

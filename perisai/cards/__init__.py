"""Membership cards: issue, print (single and A4 batches), revoke, and public verification."""

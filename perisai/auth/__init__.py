"""Accounts, login with lockout, CSRF, and the role and scope checks every route uses."""

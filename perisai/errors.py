"""Domain errors raised by operations and mapped once to HTTP responses (409/422/…)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was stored."""

    status_code = 422

    def __init__(self, message: str, errors: dict | None = None, *, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.extra = extra or {}


class ValidationFailed(DomainError):
    status_code = 422


class Conflict(DomainError):
    status_code = 409


class NotAllowed(DomainError):
    status_code = 403


class TooMany(DomainError):
    status_code = 429


def field_error(field: str, token: str, *, location: str = "json", cls=ValidationFailed, **extra):
    """The common case: one field, one message token."""
    return cls(token, {location: {field: [token]}}, extra=extra)

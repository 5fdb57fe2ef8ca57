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


class NotFound(DomainError):
    """Missing, or outside the caller's scope: the same 404 either way, so ids cannot be probed."""

    status_code = 404

    def __init__(self, message: str = "http.404", errors: dict | None = None, **kwargs):
        super().__init__(message, errors, **kwargs)


class UnsupportedBody(DomainError):
    """A request body the API cannot mean (a form post, plain text): 415."""

    status_code = 415

    def __init__(self, message: str = "http.415", errors: dict | None = None, **kwargs):
        super().__init__(message, errors, **kwargs)


class Unauthenticated(DomainError):
    """Not logged in (401)."""

    status_code = 401

    def __init__(self, message: str = "http.401", errors: dict | None = None, **kwargs):
        super().__init__(message, errors, **kwargs)


def field_error(field: str, token: str, *, location: str = "json", cls=ValidationFailed, **extra):
    """The common case: one field, one message token."""
    return cls(token, {location: {field: [token]}}, extra=extra)

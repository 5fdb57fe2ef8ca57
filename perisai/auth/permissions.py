"""Role and scope checks shared by every route.

Scope: an agent sees what it registered or manages, a supervisor its branch, an admin everything.
Records outside the caller's scope are reported as 404, never 403, so ids cannot be probed.
"""

from __future__ import annotations

import functools
import hmac
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import abort, request, session
from flask_login import current_user

import perisai.auth.messages  # noqa: F401 - registers the messages
from perisai.errors import NotAllowed

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writes a suspended or dismissed agent may still make: leaving, or logging in as someone else.
ALWAYS_ALLOWED_ENDPOINTS = frozenset(
    {"auth.Login", "auth.Logout", "supervisor.login", "supervisor.logout"}
)


@dataclass(frozen=True)
class Scope:
    role: str
    agent_id: int | None
    branch_id: int | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def allows_branch(self, branch_id: int | None) -> bool:
        return self.is_admin or (branch_id is not None and branch_id == self.branch_id)


def current_scope() -> Scope:
    user = current_user
    return Scope(role=user.role, agent_id=user.agent_id, branch_id=user.scope_branch_id)


def roles_required(*roles: str):
    """Logged in and one of `roles` (401 when not logged in, 403 for another role)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if roles and current_user.role not in roles:
                raise NotAllowed("auth.role")
            return view(*args, **kwargs)

        return wrapper

    return decorator


login_required = roles_required()


def or_404(record, visible: bool):
    """The record when the caller may see it; otherwise the same 404 as a missing id."""
    if record is None or not visible:
        abort(404)
    return record


def check_csrf() -> None:
    """Every cookie-authenticated write carries X-CSRF-Token (before_request hook)."""
    if request.method in SAFE_METHODS or not current_user.is_authenticated:
        return
    expected = session.get("csrf_token")
    sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf_token", "")
    if not expected or not hmac.compare_digest(str(expected), str(sent)):
        raise NotAllowed("auth.csrf")


def form_token_valid() -> bool:
    """A form post (also before login: login CSRF) carries the token of the session that
    rendered the form, and no browser says it came from another site."""
    expected = session.get("csrf_token")
    sent = request.form.get("csrf_token", "")
    if not expected or not hmac.compare_digest(str(expected), str(sent)):
        return False
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    # The host only: behind a TLS-terminating proxy the scheme seen here may differ.
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def check_agent_active() -> None:
    """An agent whose status is not `active` writes nothing (API.md: 403 on every write); it
    still reads its portfolio and can log out (before_request hook, after the CSRF check)."""
    if request.method in SAFE_METHODS or not current_user.is_authenticated:
        return
    if current_user.role != "agent" or request.endpoint in ALWAYS_ALLOWED_ENDPOINTS:
        return
    status = current_user.agent.status if current_user.agent else "terminated"
    if status != "active":
        token = "auth.agent_suspended" if status == "suspended" else "auth.agent_terminated"
        # `agent_status` lets the PWA tell this 403 from a stale CSRF token and keep its outbox.
        raise NotAllowed(token, extra={"agent_status": status})

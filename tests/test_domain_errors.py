"""Operations raise domain errors (perisai.errors), never Flask's abort; the one error handler
renders them as the HTTP errors they replace (issue 18, item 7)."""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

import perisai

PACKAGE = Path(perisai.__file__).parent
# Only the HTTP edge may speak HTTP: views (routes, pages) and request hooks.
EDGE = ("routes.py", "pages.py", "hooks.py")


def _uses_abort(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom) and node.module in ("flask", "werkzeug.exceptions"):
        return any(alias.name == "abort" for alias in node.names)
    if isinstance(node, ast.Attribute) and node.attr == "abort":
        return isinstance(node.value, ast.Name) and node.value.id == "flask"
    return False


def _imports_abort(tree: ast.AST) -> bool:
    return any(_uses_abort(node) for node in ast.walk(tree))


def test_only_routes_pages_and_hooks_use_abort():
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted(PACKAGE.rglob("*.py"))
        if not path.name.endswith(EDGE)
        and _imports_abort(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    ]
    assert offenders == [], "raise a perisai.errors error instead of abort() in " + ", ".join(
        offenders
    )


def test_the_check_sees_an_abort():
    assert _imports_abort(ast.parse("from flask import abort, request"))
    assert _imports_abort(ast.parse("import flask\nflask.abort(404)"))
    assert not _imports_abort(ast.parse("from flask import request"))


def test_not_found_is_the_same_404_as_an_unknown_address(as_agent, org):
    """A participant outside the caller's scope (NotFound) answers exactly as a missing one and
    as an address no view serves (werkzeug's 404)."""
    unknown = as_agent.get(f"/api/v1/workers/{uuid.uuid4()}")
    malformed = as_agent.get("/api/v1/workers/not-a-uuid")
    nowhere = as_agent.get("/api/v1/no-such-thing")
    assert unknown.status_code == malformed.status_code == nowhere.status_code == 404
    assert unknown.get_json() == malformed.get_json() == nowhere.get_json()
    assert set(unknown.get_json()) == {"code", "status", "message", "errors"}
    assert unknown.get_json()["status"] == "Not Found"


def test_not_logged_in_is_401_in_the_one_error_shape(client):
    response = client.get("/api/v1/workers")
    assert response.status_code == 401
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert (body["code"], body["status"], body["errors"]) == (401, "Unauthorized", {})

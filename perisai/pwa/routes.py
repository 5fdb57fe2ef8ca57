"""/app/: the PWA shell, its service worker, and its versioned, long-cached assets."""

from __future__ import annotations

import functools
import gzip
import json

import flask
from flask import Response, abort, redirect, request

from perisai.api import Blueprint
from perisai.pwa.assets import bundle, content_type

blp = Blueprint("pwa", __name__, url_prefix="/app", description="The agents' PWA")

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"


def _route(rule, view, endpoint=None):
    # Flask's add_url_rule, not smorest's: these are files, not API operations for OpenAPI.
    flask.Blueprint.add_url_rule(blp, rule, endpoint or view.__name__, view)


def _text(name: str) -> str:
    return (bundle().root / name).read_text(encoding="utf-8")


COMPRESSIBLE = (".js", ".css", ".html", ".webmanifest", ".json", ".svg")


def _respond(body, name: str, cache: str, **headers) -> Response:
    if isinstance(body, str):
        body = body.encode()
    vary = name.endswith(COMPRESSIBLE) or name.endswith("/")
    if vary and "gzip" in request.headers.get("Accept-Encoding", ""):
        # The app is often served without a compressing proxy; text shrinks ~3× on 3G.
        body = _gzip(body)
        headers["Content-Encoding"] = "gzip"
    if vary:
        headers["Vary"] = "Accept-Encoding"
    response = Response(body, content_type=content_type(name))
    response.headers["Cache-Control"] = cache
    response.headers.update(headers)
    response.add_etag()
    return response.make_conditional(request)


@functools.lru_cache(maxsize=256)
def _gzip(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


def shell():
    current = bundle()
    html = _text("index.html").replace("{{ASSETS}}", f"/app/v/{current.version}")
    html = html.replace("{{VERSION}}", current.version)
    # Every module at once instead of a waterfall of imports (one RTT on a 400 ms link each).
    preload = "\n".join(
        f'<link rel="modulepreload" href="/app/v/{current.version}/{name}">'
        for name in current.versioned
        if name.endswith(".js")
    )
    html = html.replace("{{PRELOAD}}", preload)
    return _respond(html, "index.html", NO_CACHE)


def service_worker():
    current = bundle()
    precache = ["/app/", "/app/manifest.webmanifest"]
    precache += [f"/app/{name}" for name in current.icons]
    precache += [f"/app/v/{current.version}/{name}" for name in current.versioned]
    script = _text("sw.js").replace('"__VERSION__"', json.dumps(current.version))
    script = script.replace("/* __PRECACHE__ */ []", json.dumps(precache))
    return _respond(script, "sw.js", NO_CACHE, **{"Service-Worker-Allowed": "/app/"})


def manifest():
    return _respond(_text("manifest.webmanifest"), "manifest.webmanifest", NO_CACHE)


def versioned(version: str, path: str):
    current = bundle()
    if path not in current.versioned:
        abort(404)
    # An old page asking for an old version gets today's file, but must not keep it for a year.
    cache = IMMUTABLE if version == current.version else NO_CACHE
    return _respond((current.root / path).read_bytes(), path, cache)


def icon(path: str):
    current = bundle()
    name = f"icons/{path}"
    if name not in current.icons:
        abort(404)
    return _respond((current.root / name).read_bytes(), name, "public, max-age=86400")


def to_shell():
    return redirect("/app/", code=308)


_route("", to_shell)
_route("/", shell)
_route("/index.html", shell, "shell_index")
_route("/sw.js", service_worker)
_route("/manifest.webmanifest", manifest)
_route("/v/<version>/<path:path>", versioned)
_route("/icons/<path:path>", icon)

"""Per request: its id (response header `X-Request-Id`), its count and latency by route
template, and one access log line (method, route template, status, milliseconds: never the path
or its query string, which may hold a name or a NIK)."""

from __future__ import annotations

import logging
import time

from flask import g, request

from perisai.observability import logs, metrics, tasks  # noqa: F401 - tasks: Celery signals
from perisai.observability.request_ids import HEADER, request_id

access_log = logging.getLogger("perisai.access")


def init_app(app) -> None:
    logs.configure(app)
    # First of the app's before_request functions, so a request refused by an earlier one
    # (CSRF, say) is still timed.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_finish)


def _start() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _finish(response):
    response.headers[HEADER] = request_id()
    started = g.get("request_started")
    if started is not None:
        seconds = time.perf_counter() - started
        metrics.observe_request(request.method, request.url_rule, response.status_code, seconds)
        route = metrics.route_label(request.url_rule)
        access_log.info(
            "%s %s %s %.1f ms",
            request.method,
            route,
            response.status_code,
            seconds * 1000,
            extra={
                "method": request.method,
                "route": route,
                "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
    return response

"""`GET /metrics`: Prometheus text format (perisai/observability/metrics.py).

Who may read it: with `PERISAI_METRICS_TOKEN` set, only a scrape that sends
`Authorization: Bearer <token>`; without it, anyone who reaches the app server, which is then
for the internal network only (nginx does not pass /metrics on: deploy/nginx).
"""

from __future__ import annotations

import hmac

from flask import Response, current_app, request
from flask.views import MethodView

from perisai.api import Blueprint
from perisai.errors import Unauthenticated
from perisai.observability import metrics

blp = Blueprint("metrics", __name__, description="Prometheus metrics")


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.response(200, content_type="text/plain")
    def get(self):
        """Request counts and latencies by route, sync operations by result, jobs, queue depth."""
        check_token(current_app.config.get("METRICS_TOKEN"), request.headers.get("Authorization"))
        body = metrics.exposition(current_app._get_current_object())
        return Response(body, mimetype=None, content_type=metrics.CONTENT_TYPE)


def check_token(token: str | None, authorization: str | None) -> None:
    """With a token configured, the scrape must bear it; 401 otherwise."""
    if not token:
        return
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
        raise Unauthenticated()

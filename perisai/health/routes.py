"""`GET /healthz` (liveness: the process answers) and `GET /readyz` (readiness: the database,
Redis and storage answer too)."""

from flask import current_app
from flask.views import MethodView
from marshmallow import fields

from perisai.api import Blueprint, Schema
from perisai.health import checks

blp = Blueprint("health", __name__, description="Health checks")


class LivenessSchema(Schema):
    status = fields.String()


class ReadinessSchema(Schema):
    status = fields.String()
    checks = fields.Dict(keys=fields.String(), values=fields.String())


@blp.route("/healthz")
class Health(MethodView):
    @blp.response(200, LivenessSchema)
    def get(self):
        """Liveness: the process answers. Touches nothing else (a database outage must not get
        every app server restarted)."""
        return {"status": "ok"}


@blp.route("/readyz")
class Ready(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=ReadinessSchema)
    def get(self):
        """Readiness: the database, Redis (when configured) and the file storage answer;
        503 naming the check that failed."""
        result = checks.readiness(current_app.config)
        if not checks.ready(result):
            return {"status": "unavailable", "checks": result}, 503
        return {"status": "ok", "checks": result}

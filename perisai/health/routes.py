"""`GET /healthz`: the service answers and its database with it."""

from flask.views import MethodView
from marshmallow import fields
from sqlalchemy import text

from perisai.api import Blueprint, Schema
from perisai.extensions import db

blp = Blueprint("health", __name__, url_prefix="/healthz", description="Health check")


class HealthSchema(Schema):
    status = fields.String()
    database = fields.String()


@blp.route("")
class Health(MethodView):
    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema)
    def get(self):
        """Is the service up and can it reach its database?"""
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            db.session.rollback()
            return {"status": "unhealthy", "database": "unreachable"}, 503
        return {"status": "ok", "database": "ok"}

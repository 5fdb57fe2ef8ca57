"""`POST /api/v1/sync` (the outbox), the agent's area and the caseload the phone keeps."""

from flask.views import MethodView
from flask_login import current_user

from perisai import zones
from perisai.api import Blueprint
from perisai.auth.permissions import current_scope, login_required, roles_required
from perisai.contributions.rates import version_header
from perisai.extensions import db
from perisai.i18n import t, translate_errors
from perisai.sync import caseload, operations
from perisai.sync.handlers import Context
from perisai.sync.schemas import (
    AreaSchema,
    CaseloadQuerySchema,
    CaseloadSchema,
    SyncResultSchema,
    SyncSchema,
)

blp = Blueprint("sync", __name__, url_prefix="/api/v1/sync", description="The PWA's outbox")


@blp.route("")
class Sync(MethodView):
    @login_required
    @blp.arguments(SyncSchema)
    @blp.response(200, SyncResultSchema)
    @blp.alt_response(413, description="More than 500 operations")
    def post(self, body):
        """Apply a batch of offline operations (≤ 500), each on its own; results in order."""
        today = zones.today_of_user(db.session, current_user)
        ctx = Context(current_user, current_scope(), current_user.agent, today)
        results = operations.apply_operations(db.session, ctx=ctx, operations=body["operations"])
        # The phone learns of changed rates, discounts or occupations here and refreshes them
        # (read in the batch's own transaction: no second one after the commit).
        headers = version_header(db.session)
        db.session.commit()
        return {"results": [_translated(result) for result in results]}, headers


@blp.route("/area")
class Area(MethodView):
    @login_required
    @blp.response(200, AreaSchema)
    def get(self):
        """The caller's area (its branch's regency), whose villages the PWA keeps offline."""
        return operations.working_area(db.session, current_scope())


@blp.route("/caseload")
class Caseload(MethodView):
    @roles_required("agent")
    @blp.arguments(CaseloadQuerySchema, location="query")
    @blp.response(200, CaseloadSchema)
    def get(self, args):
        """The participants the agent manages (payments recorded elsewhere included), then
        only those changed since `since`; `removed`: reassigned away since."""
        page = caseload.caseload(
            db.session,
            current_scope(),
            current_user.agent,
            today=zones.today_of_user(db.session, current_user),
            since=args["since"],
            limit=args["limit"],
        )
        return page.__dict__


def _translated(result: operations.OperationResult) -> dict:
    return {
        **result.__dict__,
        "message": t(result.message) if result.message else None,
        "errors": translate_errors(result.errors),
        "warnings": [
            {**warning, "message": t(warning.get("message", ""))} for warning in result.warnings
        ],
    }

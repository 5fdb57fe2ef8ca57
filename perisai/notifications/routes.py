"""A participant's messages (supervisors) and WhatsApp's delivery webhook (public, signed)."""

from flask import Response, current_app, request
from flask.views import MethodView

import perisai.notifications.cli  # noqa: F401 - registers `flask perisai send-reminders`
from perisai.api import Blueprint, paginate
from perisai.audit.operations import note_read
from perisai.auth.permissions import current_scope, roles_required
from perisai.errors import NotAllowed
from perisai.extensions import db
from perisai.notifications import operations, webhooks
from perisai.notifications.schemas import (
    NotificationQuerySchema,
    NotificationSchema,
    WebhookAnswerSchema,
)

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api/v1/notifications",
    description="Reminders, receipts and card links by WhatsApp and SMS",
)


@blp.route("")
class Notifications(MethodView):
    @roles_required("supervisor", "admin")
    @blp.arguments(NotificationQuerySchema, location="query")
    @blp.response(200, NotificationSchema(many=True))
    def get(self, args):
        """A participant's messages, newest first: channel, template, state and why."""
        worker = current_scope().worker(db.session, args["worker_id"])
        note_read("read", "participant", [worker.id])
        return paginate(db.session, operations.worker_notifications(worker), args)


@blp.route("/webhooks/whatsapp")
class WhatsAppWebhook(MethodView):
    @blp.response(200, content_type="text/plain")
    def get(self):
        """Public: Meta's set-up handshake; answers `hub.challenge` when the verify token
        matches WHATSAPP_VERIFY_TOKEN, else 403."""
        args = request.args
        expected = current_app.config.get("WHATSAPP_VERIFY_TOKEN")
        if not webhooks.verify_token_valid(
            expected, args.get("hub.mode"), args.get("hub.verify_token")
        ):
            raise NotAllowed("notifications.webhook_refused")
        return Response(args.get("hub.challenge", ""), mimetype="text/plain")

    @blp.response(200, WebhookAnswerSchema)
    def post(self):
        """Public: delivery statuses, signed with the app secret (`X-Hub-Signature-256`);
        a missing or wrong signature is refused (403)."""
        body = request.get_data(cache=True)
        secret = current_app.config.get("WHATSAPP_APP_SECRET")
        if not webhooks.signature_valid(secret, body, request.headers.get("X-Hub-Signature-256")):
            raise NotAllowed("notifications.webhook_refused")
        updated = webhooks.apply_statuses(db.session, request.get_json(silent=True))
        db.session.commit()
        return {"updated": updated}

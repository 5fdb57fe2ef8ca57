"""The gateways a message leaves by, behind one adapter: `send(outgoing) -> provider id`.

- WhatsApp Business Cloud API: a template message, `POST <WHATSAPP_API_URL>/<WHATSAPP_PHONE_ID>
  /messages` with `Authorization: Bearer <WHATSAPP_TOKEN>` and
  `{"messaging_product": "whatsapp", "recipient_type": "individual", "to": "62812…",
  "type": "template", "template": {"name", "language": {"code"}, "components": [{"type":
  "body", "parameters": [{"type": "text", "text"}, …]}]}}`; the answer's `messages[0].id` (a
  wamid) is what delivery webhooks name later.
- A generic HTTP SMS gateway: `POST <SMS_API_URL>` with `Authorization: Bearer <SMS_TOKEN>` and
  `{"to": "+62812…", "text": "…", "sender": <SMS_SENDER or null>, "reference": "<notification
  id>"}`; any 2xx is accepted, and the answer's `id` (or `message_id`), when it has one, kept.
  Most Indonesian SMS aggregators take this shape or need a few lines of adapter more.

Either raises GatewayError with a `reason` (kept on the notification) and whether another try
may succeed (`retry`): no answer, 429 or 5xx may; a refusal (4xx: a number not on WhatsApp, a
template not approved, a bad token) will not, so the message fails at once (and WhatsApp falls
back to SMS). A channel without credentials has a LoggingGateway: the message is logged (its
id, template and channel, never the number or the text) instead of sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from perisai.notifications.http import HttpClient, Unreachable
from perisai.notifications.templates import WHATSAPP_LANGUAGES, Message

log = logging.getLogger(__name__)
DEFAULT_WHATSAPP_API_URL = "https://graph.facebook.com/v21.0"
# WhatsApp error codes that are throttling or a passing fault: worth another try later.
WHATSAPP_TRANSIENT = {1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056, 133004}


@dataclass(frozen=True)
class Outgoing:
    notification_id: int
    phone: str  # E.164, '+62812…'
    message: Message


class GatewayError(Exception):
    def __init__(self, reason: str, *, retry: bool):
        super().__init__(reason)
        self.reason = reason[:200]
        self.retry = retry


class NotConfigured(Exception):
    """The channel has no credentials: the message was logged, not sent."""


class WhatsAppGateway:
    channel = "whatsapp"

    def __init__(self, api_url: str, phone_id: str, token: str, timeout: float = 10.0):
        self.url = f"{api_url.rstrip('/')}/{phone_id}/messages"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.http = HttpClient(timeout)

    @staticmethod
    def body(outgoing: Outgoing) -> dict:
        message = outgoing.message
        return {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": outgoing.phone.lstrip("+"),
            "type": "template",
            "template": {
                "name": message.template.whatsapp_name,
                "language": {"code": WHATSAPP_LANGUAGES[message.language]},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": value} for value in message.values],
                    }
                ],
            },
        }

    def send(self, outgoing: Outgoing) -> str | None:
        try:
            status, answer = self.http.post_json(self.url, self.body(outgoing), self.headers)
        except Unreachable as error:
            raise GatewayError(f"whatsapp_unreachable: {error}", retry=True) from None
        if 200 <= status < 300:
            messages = (answer or {}).get("messages") or [{}]
            return messages[0].get("id")
        error = (answer or {}).get("error") or {}
        code = error.get("code")
        title = error.get("error_user_title") or error.get("message") or ""
        retry = status == 429 or status >= 500 or code in WHATSAPP_TRANSIENT
        detail = f"whatsapp_http_{status}" + (f" code {code}" if code else "")
        raise GatewayError(f"{detail}: {title}" if title else detail, retry=retry)


class SmsGateway:
    channel = "sms"

    def __init__(self, url: str, token: str | None, sender: str | None, timeout: float = 10.0):
        self.url = url
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.sender = sender
        self.http = HttpClient(timeout)

    def body(self, outgoing: Outgoing) -> dict:
        return {
            "to": outgoing.phone,
            "text": outgoing.message.text,
            "sender": self.sender,
            "reference": str(outgoing.notification_id),
        }

    def send(self, outgoing: Outgoing) -> str | None:
        try:
            status, answer = self.http.post_json(self.url, self.body(outgoing), self.headers)
        except Unreachable as error:
            raise GatewayError(f"sms_unreachable: {error}", retry=True) from None
        if 200 <= status < 300:
            answer = answer if isinstance(answer, dict) else {}
            found = answer.get("id") or answer.get("message_id")
            return str(found) if found is not None else None
        raise GatewayError(f"sms_http_{status}", retry=status == 429 or status >= 500)


class LoggingGateway:
    """A channel without credentials (development, a deployment not yet connected)."""

    def __init__(self, channel: str):
        self.channel = channel
        self.http = HttpClient()

    def send(self, outgoing: Outgoing) -> str | None:
        # Ids and the template only: the number and the text are personal data.
        log.info(
            "notification %s (%s, %s, %s) logged, not sent: no %s credentials",
            outgoing.notification_id,
            outgoing.message.template.name,
            self.channel,
            outgoing.message.language,
            self.channel,
        )
        raise NotConfigured(self.channel)


def gateways_from(config) -> dict[str, object]:
    """channel → its gateway, from the app's configuration (see perisai.notifications.hooks)."""
    timeout = float(config.get("NOTIFICATIONS_TIMEOUT") or 10)
    found: dict[str, object] = {
        "whatsapp": LoggingGateway("whatsapp"),
        "sms": LoggingGateway("sms"),
    }
    if config.get("WHATSAPP_TOKEN") and config.get("WHATSAPP_PHONE_ID"):
        found["whatsapp"] = WhatsAppGateway(
            config.get("WHATSAPP_API_URL") or DEFAULT_WHATSAPP_API_URL,
            config["WHATSAPP_PHONE_ID"],
            config["WHATSAPP_TOKEN"],
            timeout,
        )
    if config.get("SMS_API_URL"):
        found["sms"] = SmsGateway(
            config["SMS_API_URL"], config.get("SMS_TOKEN"), config.get("SMS_SENDER"), timeout
        )
    return found


def close_all(gateways: dict) -> None:
    """End every connection the gateways opened (a sender does so when it is done)."""
    for gateway in gateways.values():
        gateway.http.close()


def is_configured(gateway) -> bool:
    return not isinstance(gateway, LoggingGateway)

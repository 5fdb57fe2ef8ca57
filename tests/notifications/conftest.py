"""A local gateway server for the notification tests, and participants to remind.

`GatewayServer` is a real HTTP server (http.server, in a thread of the test) speaking the two
documented formats (perisai/notifications/gateways.py): the WhatsApp Business Cloud API's
`POST /<phone id>/messages` (template messages, `Authorization: Bearer <token>`, answering
`{"messages": [{"id": "wamid…"}]}`) and the generic SMS gateway's `POST /sms`. It checks each
request's shape and token, keeps what it received, and can be told to refuse the next requests
(a status and a body), so a test checks what really left the application.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from perisai import clock
from perisai.notifications.delivery import deliver_due
from perisai.notifications.gateways import gateways_from
from perisai.notifications.queueing import queue_reminders
from perisai.workers.models import WorkerConsent
from tests import factories

PHONE_ID = "1029384756"
WHATSAPP_TOKEN = "test-whatsapp-token"
SMS_TOKEN = "test-sms-token"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"


@dataclass
class Received:
    channel: str
    path: str
    headers: dict
    raw: bytes
    body: dict


@dataclass
class GatewayServer:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    # channel → answers to give before accepting again: (status, body)
    refusals: dict = field(default_factory=lambda: {"whatsapp": [], "sms": []})
    always_refuse: dict = field(default_factory=dict)  # channel → (status, body)
    lock: threading.Lock = field(default_factory=threading.Lock)
    problems: list[str] = field(default_factory=list)

    def of(self, channel: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.channel == channel]

    def refuse_next(self, channel: str, times: int, status: int, body: dict | None = None):
        self.refusals[channel] += [(status, body or {})] * times

    def refuse_always(self, channel: str, status: int, body: dict | None = None):
        self.always_refuse[channel] = (status, body or {})


def _whatsapp_problems(body: dict) -> list[str]:
    """What the Cloud API would refuse in a template message body."""
    problems = []
    if body.get("messaging_product") != "whatsapp" or body.get("type") != "template":
        problems.append("not a whatsapp template message")
    if not str(body.get("to", "")).isdigit():
        problems.append("`to` must be digits with the country code")
    template = body.get("template") or {}
    if not template.get("name") or not (template.get("language") or {}).get("code"):
        problems.append("template name and language.code are required")
    for component in template.get("components") or []:
        for parameter in component.get("parameters") or []:
            if parameter.get("type") != "text" or not isinstance(parameter.get("text"), str):
                problems.append("parameters must be text")
    return problems


def make_handler(server: GatewayServer):
    counter = itertools.count(1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the gateways use it
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait

        def log_message(self, *args):  # the request line would carry nothing, but stay quiet
            pass

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == f"/{PHONE_ID}/messages":
                channel, token = "whatsapp", WHATSAPP_TOKEN
            elif self.path == "/sms":
                channel, token = "sms", SMS_TOKEN
            else:
                return self._answer(404, {"error": {"message": "unknown path"}})
            if self.headers.get("Authorization") != f"Bearer {token}":
                return self._answer(401, {"error": {"message": "bad token", "code": 190}})
            body = json.loads(raw)
            with server.lock:
                server.received.append(Received(channel, self.path, dict(self.headers), raw, body))
                if channel == "whatsapp":
                    server.problems += _whatsapp_problems(body)
                elif not {"to", "text", "reference"} <= set(body):
                    server.problems.append("sms body needs to, text, reference")
                if server.refusals[channel]:
                    return self._answer(*server.refusals[channel].pop(0))
                if channel in server.always_refuse:
                    return self._answer(*server.always_refuse[channel])
            n = next(counter)
            if channel == "sms":
                return self._answer(200, {"id": f"sms-{n}", "status": "accepted"})
            return self._answer(
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                    "messages": [{"id": f"wamid.TEST{n:06d}"}],
                },
            )

    return Handler


@contextmanager
def serving():
    """The local gateway server, on a free port, while the block runs."""
    server = GatewayServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(server))
    httpd.daemon_threads = True
    server.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert server.problems == [], server.problems


@pytest.fixture
def gateway():
    """The local gateway server for one test."""
    with serving() as server:
        yield server


def gateway_config(gateway: GatewayServer) -> dict:
    return {
        "WHATSAPP_API_URL": gateway.url,
        "WHATSAPP_PHONE_ID": PHONE_ID,
        "WHATSAPP_TOKEN": WHATSAPP_TOKEN,
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "SMS_API_URL": f"{gateway.url}/sms",
        "SMS_TOKEN": SMS_TOKEN,
        "SMS_SENDER": "PERISAI",
    }


@pytest.fixture
def configured(app, gateway, monkeypatch):
    """The app's gateways pointed at the local server (for routes and the CLI too)."""
    for name, value in gateway_config(gateway).items():
        monkeypatch.setitem(app.config, name, value)
    return gateway


def remind(db, gateway: GatewayServer | None = None) -> None:
    """What beat does: queue what is due now, then send it (to the server, if given)."""
    queue_reminders(db.session)
    db.session.commit()
    deliver(db, gateway)


def deliver(db, gateway: GatewayServer | None = None):
    config = gateway_config(gateway) if gateway is not None else {}
    return deliver_due(db.session, gateways_from(config), concurrency=2)


def participant(db, agent, *, channels=("whatsapp",), covered_until=None, **overrides):
    """A participant of `agent`, covered until `covered_until` (default this month), who
    consented to `channels`."""
    consents = [
        WorkerConsent(
            channel=channel,
            notice_version="2026-01",
            given_at=clock.now(),
            purpose="membership_messages",
        )
        for channel in channels
    ]
    covered = covered_until if covered_until is not None else clock.this_month()
    worker = factories.make_worker(
        db.session,
        agent,
        covered_until=covered,
        first_paid_month=covered,
        consents=consents,
        **overrides,
    )
    db.session.commit()
    return worker


def signed(body: dict, secret: str = APP_SECRET) -> tuple[bytes, dict]:
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"X-Hub-Signature-256": signature, "Content-Type": "application/json"}


def status_webhook(wamid: str, status: str, **extra) -> dict:
    """A `messages` webhook with one status, as the Cloud API documents it."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": PHONE_ID,
                            },
                            "statuses": [
                                {
                                    "id": wamid,
                                    "status": status,
                                    "timestamp": str(int(clock.now().timestamp())),
                                    "recipient_id": "6281300000000",
                                    **extra,
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }


def new_id() -> str:
    return str(uuid.uuid4())

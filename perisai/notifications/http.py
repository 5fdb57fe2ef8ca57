"""A small JSON-over-HTTP(S) client for the gateways, on the standard library.

One kept-alive connection per thread and server: a batch sent by a few threads costs one TCP
(and TLS) handshake per thread, not one per message. A connection the server closed meanwhile
is opened again once. Anything that is not an answer (refused, reset, timed out) is an
`Unreachable`, which the gateways treat as worth another try. `close()` ends every connection
the client opened, in whichever thread (a sender closes its gateways when it is done).
"""

from __future__ import annotations

import http.client
import json
import threading
from urllib.parse import urlsplit


class Unreachable(Exception):
    """No answer from the server (the message may or may not have arrived)."""


class HttpClient:
    def __init__(self, timeout: float = 10.0):
        self.timeout = timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._opened: list[http.client.HTTPConnection] = []

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        pool = getattr(self._local, "connections", None)
        if pool is None:
            pool = self._local.connections = {}
        if (scheme, netloc) not in pool:
            kind = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            pool[scheme, netloc] = connection = kind(netloc, timeout=self.timeout)
            with self._lock:
                self._opened.append(connection)
        return pool[scheme, netloc]

    def _forget(self, scheme: str, netloc: str) -> None:
        connection = getattr(self._local, "connections", {}).pop((scheme, netloc), None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
        for connection in opened:
            connection.close()
        self._local = threading.local()

    def post_json(self, url: str, body: dict, headers: dict):
        """POST `body` as JSON; (status, parsed JSON body or None). Unreachable on no answer."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise ValueError("gateway URL must be http(s)")
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        data = json.dumps(body, ensure_ascii=False).encode()
        sent_headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "perisai-field",
            **headers,
        }
        for attempt in (1, 2):
            connection = self._connection(parts.scheme, parts.netloc)
            try:
                connection.request("POST", path, body=data, headers=sent_headers)
                response = connection.getresponse()
                raw = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self._forget(parts.scheme, parts.netloc)
                if attempt == 2:
                    raise Unreachable(type(error).__name__) from error
                continue  # a kept-alive connection the server had closed: once more, afresh
            except (OSError, http.client.HTTPException) as error:
                self._forget(parts.scheme, parts.netloc)
                raise Unreachable(type(error).__name__) from error
            if (response.getheader("Connection") or "").lower() == "close":
                self._forget(parts.scheme, parts.netloc)
            try:
                parsed = json.loads(raw) if raw else None
            except ValueError:
                parsed = None
            return response.status, parsed
        raise Unreachable("no answer")  # not reached: the loop returns or raises

"""A tiny webhook receiver on loopback: records what django-helpdesk posts to it.

``http.server`` in a thread; the routing service may take its place later. The
answer status is configurable (django-helpdesk ignores it, quirk 5), and
:meth:`WebhookReceiver.dead_url` gives a URL nothing listens on, to make the
helpdesk's webhook call fail with a connection error.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["WebhookReceiver"]

Payload = dict[str, Any]


class WebhookReceiver:
    """Receives JSON webhooks at ``/new-ticket`` and ``/followup``.

    Use as a context manager; ``received`` holds ``(path, payload)`` pairs in the
    order they arrived.
    """

    def __init__(self) -> None:
        self.received: list[tuple[str, Payload]] = []
        self.status = 200
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver._changed:
                    receiver.received.append((self.path, json.loads(body)))
                    receiver._changed.notify_all()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The receiver's base URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @staticmethod
    def dead_url() -> str:
        """A loopback URL with nothing listening: connecting to it is refused."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        return f"http://127.0.0.1:{port}/down"

    def wait_for(self, predicate: Callable[[str, Payload], bool], timeout: float = 10.0) -> Payload:
        """The first received payload matching ``predicate``, waiting up to ``timeout`` s."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for path, payload in self.received:
                    if predicate(path, payload):
                        return payload
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(p, d.get("ticket", {}).get("id")) for p, d in self.received]
                    raise AssertionError(f"no matching webhook within {timeout} s; got {seen}")
                self._changed.wait(left)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

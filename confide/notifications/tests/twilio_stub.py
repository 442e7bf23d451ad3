"""A small HTTP server on loopback that answers like Twilio's Messages API, for tests."""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SID = "AC00000000000000000000000000000001"
TOKEN = "test-auth-token"
SENDER = "+12125550100"


@dataclass
class Reply:
    status: int = 201
    body: dict[str, object] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class TwilioStub:
    """Replies from ``script`` in order (then 201s), and keeps every request it was sent."""

    base_url: str = ""
    script: list[Reply] = field(default_factory=list)
    received: list[dict[str, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)

    def url(self) -> str:
        """Return the TEXT_MESSAGES_URL that points Confide at this server."""
        host = self.base_url.removeprefix("http://")
        return f"twilio+http://{SID}:{TOKEN}@{host}?from={urllib.parse.quote(SENDER)}"


@contextmanager
def twilio_stub() -> Iterator[TwilioStub]:
    stub = TwilioStub()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            stub.paths.append(self.path)
            stub.authorizations.append(self.headers.get("Authorization", ""))
            stub.received.append(form)
            reply = stub.script.pop(0) if stub.script else Reply()
            body = reply.body or {
                "sid": f"SM{len(stub.received):032d}",
                "status": "queued",
                "to": form.get("To"),
            }
            payload = json.dumps(body).encode()
            self.send_response(reply.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    stub.base_url = f"http://{host!s}:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


def basic_auth() -> str:
    return "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()

"""People visiting a real server, each with their own cookies, who can act at the same instant."""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

TIMEOUT = 30.0
_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass(frozen=True)
class Response:
    status: int
    location: str
    body: str


class Visitor:
    """One person's browser: their own CSRF cookie, and the form token of the last page seen."""

    def __init__(self, base_url: str, *, headers: Mapping[str, str] | None = None) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.headers = dict(headers or {})
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""

    def connect(self) -> http.client.HTTPConnection:
        """Open a connection now, for a request to be sent on it later."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        connection.connect()
        return connection

    def get(self, path: str) -> Response:
        return self._send("GET", path, None, self.connect())

    def post(
        self,
        path: str,
        form: Mapping[str, str],
        connection: http.client.HTTPConnection | None = None,
    ) -> Response:
        """Send a form as the page last seen would, with its CSRF token."""
        body = urlencode({**form, "csrfmiddlewaretoken": self.csrf_token})
        return self._send("POST", path, body, connection or self.connect())

    def _send(
        self, method: str, path: str, body: str | None, connection: http.client.HTTPConnection
    ) -> Response:
        headers = {**self.headers, "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode()
        finally:
            connection.close()
        for header in answer.headers.get_all("Set-Cookie") or []:
            self.cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
        if token := _CSRF_FIELD.search(text):
            self.csrf_token = token.group(1)
        return Response(answer.status, answer.headers.get("Location", ""), text)


@dataclass(frozen=True)
class Post:
    visitor: Visitor
    path: str
    form: Mapping[str, str]


def post_all_at_once(posts: Sequence[Post]) -> list[Response]:
    """Send every form at the same instant, one thread each; return the answers in order.

    Each thread opens its connection first and then waits at a barrier, so what is left after
    the release is only sending a few hundred bytes: the requests reach the server together.
    """
    barrier = threading.Barrier(len(posts), timeout=TIMEOUT)

    def send(post: Post) -> Response:
        connection = post.visitor.connect()
        barrier.wait()
        return post.visitor.post(post.path, post.form, connection)

    with ThreadPoolExecutor(max_workers=len(posts)) as pool:
        return list(pool.map(send, posts, timeout=2 * TIMEOUT))

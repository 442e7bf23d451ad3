"""Request log lines of real servers keep each path and lose its query string."""

from __future__ import annotations

import json
import logging
import runpy
import socket
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from confide.lib.jsonlog import KEYS
from e2e import servers

pytestmark = pytest.mark.django_db(transaction=True)

CANARY = "canary-7f3e-search-term"
# An office search, the sign-in page it sends a stranger to (the search in its "next"), and a
# page that is not there (Django's own "Not Found: /path" line).
PATHS = [
    f"/office/clients/?q={CANARY}",
    f"/office/account/login/?next=/office/clients/%3Fq%3D{CANARY}",
    f"/nowhere/?q={CANARY}",
]


def _visit_all(base_url: str) -> None:
    for path in PATHS:
        try:
            request = urllib.request.Request(base_url + path)  # noqa: S310 - our own server
            # Redirects are not followed: each request is one log line, as sent.
            opener = urllib.request.build_opener(_NoRedirects())
            with opener.open(request, timeout=30):
                pass
        except urllib.error.HTTPError:
            pass


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_development_server_logs_paths_without_queries(tmp_path: Path) -> None:
    port = _free_port()
    log_path = tmp_path / "runserver.log"
    argv = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    with (
        log_path.open("w+b") as log,
        servers.running_process(argv, env=servers.test_server_environment(), log=log) as process,
    ):
        servers._wait_until_answering(f"http://127.0.0.1:{port}", process, log)
        _visit_all(f"http://127.0.0.1:{port}")
        time.sleep(0.5)  # the last line is written after the answer is sent
    logged = log_path.read_text()

    # The lines were written, with their paths ...
    assert '"GET /office/clients/ HTTP/1.1" 302' in logged, logged
    assert "Not Found: /nowhere/" in logged, logged
    # ... and nothing of the queries.
    assert CANARY not in logged
    assert "?q=" not in logged


def test_gunicorn_with_the_documented_config_logs_paths_without_queries(tmp_path: Path) -> None:
    access_log, server_log = tmp_path / "access.log", tmp_path / "server.log"
    # With the access-log format of gunicorn.conf.py, as docs/production.md starts it.
    with servers.run_gunicorn(
        env=servers.test_server_environment(),
        workers=1,
        threads=1,
        access_log=access_log,
        access_log_format=None,
        server_log=server_log,
    ) as base_url:
        _visit_all(base_url)
    lines = access_log.read_text()

    assert '"GET /office/clients/ HTTP/1.1" 302' in lines, lines
    assert '"GET /nowhere/ HTTP/1.1" 404' in lines, lines
    assert CANARY not in lines + server_log.read_text()


def test_gunicorns_error_log_drops_query_strings_too(caplog: pytest.LogCaptureFixture) -> None:
    config = runpy.run_path(str(servers.ROOT / "gunicorn.conf.py"))
    error_log = logging.getLogger("gunicorn.error")
    config["on_starting"](None)
    try:
        with caplog.at_level(logging.ERROR, logger="gunicorn.error"):
            # What a worker writes when a request fails outside Django.
            error_log.error("Error handling request %s %s", "GET", f"/office/clients/?q={CANARY}")
    finally:
        for added in error_log.filters[:]:
            error_log.removeFilter(added)

    assert caplog.messages == ["Error handling request GET /office/clients/"]


def test_gunicorn_with_json_logs_writes_identifiers_only(tmp_path: Path) -> None:
    access_log, server_log = tmp_path / "access.log", tmp_path / "server.log"
    with servers.run_gunicorn(
        env=servers.test_server_environment(LOG_FORMAT="json"),
        workers=1,
        threads=1,
        access_log=access_log,
        access_log_format=None,
        server_log=server_log,
    ) as base_url:
        _visit_all(base_url)
    lines = [json.loads(line) for line in access_log.read_text().splitlines()]
    server_lines = [json.loads(line) for line in server_log.read_text().splitlines() if line]

    assert {"method": "GET", "path": "/office/clients/", "status": 302}.items() <= lines[-3].items()
    assert {"path": "/nowhere/", "status": 404}.items() <= lines[-1].items()
    assert all(set(line) <= KEYS for line in lines + server_lines)
    # No client address, and nothing of the queries, in either log.
    logged = access_log.read_text() + server_log.read_text()
    assert CANARY not in logged
    assert "127.0.0.1" not in access_log.read_text()
    assert {"logger": "django.request", "path": "/nowhere/", "status": 404}.items() <= next(
        line for line in server_lines if line.get("status") == 404
    ).items()

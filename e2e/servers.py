"""Start real server processes against the current test database, and always stop them."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
# Long enough for several workers to import Django on a busy two-core machine.
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
# Worker pid (in angle brackets), method, path, status.
ACCESS_LOG_FORMAT = "%(p)s %(m)s %(U)s %(s)s"


def _not_a_test[F](function: F) -> F:
    """Keep pytest from collecting a helper named test_* into a module that imports it."""
    function.__test__ = False  # type: ignore[attr-defined]
    return function


@_not_a_test
def test_database_url() -> str:
    """Return a DATABASE_URL naming the database this test process is using right now.

    Call it inside a test (pytest-django has by then pointed the connection at the test
    database). An in-memory SQLite database cannot be shared with another process, so it is
    refused rather than silently replaced by an empty one.
    """
    config = connection.settings_dict
    vendor = connection.vendor
    if vendor == "sqlite":
        name = str(config["NAME"])
        if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            raise RuntimeError(
                "The test database is in memory; give SQLite a TEST NAME file "
                "so that a server process can open it."
            )
        return f"sqlite:///{Path(name).resolve()}"
    if vendor == "postgresql":
        user = quote(str(config.get("USER") or ""), safe="")
        password = quote(str(config.get("PASSWORD") or ""), safe="")
        credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
        host = str(config.get("HOST") or "localhost")
        port = f":{config['PORT']}" if config.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(str(config['NAME']), safe='')}"
    raise RuntimeError(f"No DATABASE_URL form known for {vendor}")


@_not_a_test
def test_server_environment(**overrides: str) -> dict[str, str]:
    """Return the variables that make a Confide process serve the current test database.

    Development mode with DEBUG off: no production secrets are needed, and errors are answered
    as a visitor would see them (a 500 page) instead of a debug page.
    """
    return {
        "DATABASE_URL": test_database_url(),
        "CONFIDE_ENV": "development",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Never let a server started by a test reach a real mail server.
        "EMAIL_URL": "outbox:",
        **overrides,
    }


@contextlib.contextmanager
def running_process(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    pass_fds: Sequence[int] = (),
    log: IO[bytes] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run a command from the project root for the duration of the block; stop it afterwards.

    ``env`` is laid over this process's environment. Output goes to ``log`` (a file, so a
    chatty process can never block on a full pipe).
    """
    process = subprocess.Popen(
        list(argv),
        cwd=ROOT,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
        pass_fds=tuple(pass_fds),
        # Its own process group, so its children can be stopped with it if it hangs.
        start_new_session=True,
    )
    try:
        yield process
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


def _listening_socket() -> socket.socket:
    """Bind a loopback port here and hand the socket itself to the server.

    Nothing else can take the port between choosing it and the server binding it, and
    connections made before the workers are up wait in the backlog instead of being refused.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(2048)
    listener.set_inheritable(True)
    return listener


@contextlib.contextmanager
def run_gunicorn(
    *,
    env: Mapping[str, str],
    workers: int,
    threads: int,
    app: str = "confide.wsgi",
    access_log: Path | None = None,
    access_log_format: str | None = ACCESS_LOG_FORMAT,
    server_log: Path | None = None,
) -> Iterator[str]:
    """Serve ``app`` with gunicorn on a free loopback port and yield its base URL.

    The arguments are ``run_gunicorn_process``'s.
    """
    with run_gunicorn_process(
        env=env,
        workers=workers,
        threads=threads,
        app=app,
        access_log=access_log,
        access_log_format=access_log_format,
        server_log=server_log,
    ) as (base_url, _process):
        yield base_url


@contextlib.contextmanager
def run_gunicorn_process(
    *,
    env: Mapping[str, str],
    workers: int,
    threads: int,
    app: str = "confide.wsgi",
    access_log: Path | None = None,
    access_log_format: str | None = ACCESS_LOG_FORMAT,
    server_log: Path | None = None,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Serve ``app`` with gunicorn on a free loopback port; yield its base URL and its master.

    The master leads its own process group, so a test can kill it with all its workers
    (``os.killpg``), as a machine that dies would. ``env`` is laid over this process's
    environment: start from ``test_server_environment()`` to serve the test database. With
    ``access_log``, each request is written there as "<worker pid> <method> <path> <status>",
    so a test can see which processes served it; with ``access_log_format=None`` the lines are
    as the project's gunicorn.conf.py, which the production guide documents, writes them. With
    ``server_log``, everything the server prints (its error log and the application's log) is
    kept there.
    """
    listener = _listening_socket()
    host, port = listener.getsockname()
    base_url = f"http://{host}:{port}"
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        # The project's own settings, as the production guide starts it (log formats, filters).
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"fd://{listener.fileno()}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--no-control-socket",
        "--graceful-timeout",
        "5",
        "--timeout",
        "60",
    ]
    if access_log is not None:
        argv += ["--access-logfile", str(access_log)]
    if access_log is not None and access_log_format is not None:
        argv += ["--access-logformat", access_log_format]
    with (
        listener,
        server_log.open("w+b") if server_log is not None else tempfile.TemporaryFile() as log,
        running_process(argv, env=env, pass_fds=[listener.fileno()], log=log) as process,
    ):
        # The server holds its own copy of the socket now; closing ours here keeps a request
        # from lingering in a backlog nobody reads after the server has stopped.
        listener.close()
        _wait_until_answering(base_url, process, log)
        try:
            yield base_url, process
        except Exception as error:
            # A failing test most often wants to know what the server said meanwhile.
            error.add_note(f"Server output (last lines):\n{_tail(log)}")
            raise


def _wait_until_answering(base_url: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The server exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(base_url + "/robots.txt", timeout=2):  # noqa: S310
                return
        except urllib.error.HTTPError:
            # Any HTTP answer, even an error page, means a worker is serving.
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"The server did not answer within {START_TIMEOUT:.0f} s:\n{_tail(log)}")


def _tail(log: IO[bytes], size: int = 4000) -> str:
    log.seek(0, os.SEEK_END)
    log.seek(max(0, log.tell() - size))
    return log.read().decode(errors="replace")

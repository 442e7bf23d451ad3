"""Public pages under a burst: wrk against gunicorn, side by side with a trivial view.

Run from the repository root: python bench/public_burst.py [--duration 5] [--rounds 3]
(DATABASE_URL=postgres://... for PostgreSQL). It makes a throw-away database with the demo
practice, serves it with gunicorn (2 sync workers, the project's gunicorn.conf.py, DEBUG off) on a
loopback port, and runs wrk with 32 connections against each page in turn, the trivial view
(/healthz, which passes through the whole middleware stack but reads no database) included.
The pages take turns round by round, so a change in the machine's load falls on all of them; the
figure per page is the median of its rounds. Each page's body is also compressed with gzip at
level 6, as nginx would send it. Needs wrk (apt-get install wrk).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

if shutil.which("wrk") is None:
    sys.exit("wrk is not installed; install it first (Debian/Ubuntu: apt-get install wrk).")

from django.db import connection
from reminders_common import ROOT, bench_database, machine

TRIVIAL = "/healthz"
PAGES = [
    TRIVIAL,
    "/",
    "/articles/what-shame-is/",
    "/approaches/clinical-hypnosis/",
    "/articles/",
    "/book/hannah-brenner/consultation/?format=video",
]
# The share of the trivial view's requests per second each page must reach (issue 14).
GOALS = {
    "/": 0.50,
    "/articles/what-shame-is/": 0.50,
    "/approaches/clinical-hypnosis/": 0.50,
    "/book/hannah-brenner/consultation/?format=video": 0.25,
}
SIZE_LIMIT = 50_000
CONNECTIONS = 32
WORKERS = 2


@dataclass
class Run:
    requests_per_second: float
    p50_ms: float
    p99_ms: float


def database_url() -> str:
    """Return a DATABASE_URL that points gunicorn at the throw-away database just made."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + str(settings["NAME"])))


@contextmanager
def own_database() -> Iterator[str]:
    """The demo practice in a database named for this benchmark, so no test run's is clobbered."""
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(ROOT / "var" / f"bench-public-burst-{os.getpid()}.sqlite3")
    else:
        test["NAME"] = f"bench_public_burst_{os.getpid()}"
    with bench_database() as vendor:
        # gunicorn's workers open their own connections; this one would only hold locks.
        connection.close()
        yield vendor


@contextmanager
def gunicorn(url: str) -> Iterator[str]:
    """Serve the throw-away database on a free loopback port; yield the base address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "CONFIDE_ENV": "development",
    }
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "confide.wsgi",
        "--config",
        "gunicorn.conf.py",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(WORKERS),
        "--no-control-socket",
        "--log-level",
        "warning",
    ]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    sys.exit(f"gunicorn did not start:\n{log.read().decode(errors='replace')}")
                try:
                    with urllib.request.urlopen(base + TRIVIAL, timeout=2):  # noqa: S310
                        break
                except OSError:
                    time.sleep(0.2)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        if response.status != 200:
            sys.exit(f"{url} answered {response.status}")
        body: bytes = response.read()
        return body


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def wrk(url: str, duration: int) -> Run:
    argv = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", url]
    output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        sys.exit(f"wrk saw error responses on {url}:\n{output}")
    if "Socket errors" in output:
        print(f"note: {url}: {output.split('Socket errors:')[1].splitlines()[0].strip()}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    if not (rate and p50 and p99):
        sys.exit(f"Could not read wrk's output for {url}:\n{output}")
    return Run(float(rate.group(1)), _ms(p50.group(1)), _ms(p99.group(1)))


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=5, help="seconds per page per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(f"before: {uptime()}")
    with own_database() as vendor, gunicorn(database_url()) as base:
        sizes = {}
        for page in PAGES:
            body = fetch(base + page)
            sizes[page] = (len(body), len(gzip.compress(body, compresslevel=6)))
        # One short burst each first: the workers' first requests import and compile.
        for page in PAGES:
            wrk(base + page, 1)
        runs: dict[str, list[Run]] = {page: [] for page in PAGES}
        for _ in range(args.rounds):
            for page in PAGES:
                runs[page].append(wrk(base + page, args.duration))
    print(f"after: {uptime()}")
    print(
        f"database: {vendor}; gunicorn {WORKERS} sync workers; wrk {CONNECTIONS} connections, "
        f"{args.duration} s per page per round, median of {args.rounds} rounds"
    )
    print("| page | requests/s | of trivial | p50 | p99 | bytes | gzip -6 | goal |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    trivial = statistics.median(r.requests_per_second for r in runs[TRIVIAL])
    missed = []
    for page in PAGES:
        rate = statistics.median(r.requests_per_second for r in runs[page])
        p50 = statistics.median(r.p50_ms for r in runs[page])
        p99 = statistics.median(r.p99_ms for r in runs[page])
        share = rate / trivial
        raw, packed = sizes[page]
        goal = GOALS.get(page)
        verdict = ""
        if goal is not None:
            met = share >= goal and packed < SIZE_LIMIT
            verdict = f"≥{goal:.0%}: {'met' if met else 'MISSED'}"
            if not met:
                missed.append(page)
        print(
            f"| `{page}` | {rate:,.0f} | {share:.0%} | {p50:.1f} ms | {p99:.1f} ms "
            f"| {raw:,} | {packed:,} | {verdict} |"
        )
    if missed:
        print(f"goals missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()

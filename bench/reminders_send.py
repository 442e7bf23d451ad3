"""Reminders per second one worker process sends to an SMTP server on loopback.

Run from the repository root: python bench/reminders_send.py [--count 2000]
(DATABASE_URL=postgres://... to measure on PostgreSQL). The worker is `manage.py confide_worker
--batch` in its own process; the time of a run with nothing due (start-up, migrations check,
sweep) is measured too and subtracted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

from aiosmtpd.controller import Controller
from reminders_common import (
    ROOT,
    appointments_make,
    bench_database,
    machine,
    now,
    reminders_make,
)

from confide.notifications.models import Reminder
from confide.practice.models import Practice
from e2e.servers import test_database_url


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def _worker(port: int, batch: int) -> float:
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
    }
    argv = [sys.executable, "manage.py", "confide_worker", "--batch", "--no-startup-delay"]
    argv += ["--no-reload", "--reminder-batch", str(batch), "-v", "0"]
    started = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50, help="reminders claimed at a time")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Counter()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with bench_database() as vendor:
            practice = Practice.load()
            practice.second_reminder_hours = 0
            practice.save()
            ids = appointments_make(args.count, start=now() + dt.timedelta(hours=6))
            reminders_make(ids, now=now() - dt.timedelta(days=30))
            empty = min(_worker(port, args.batch) for _ in range(2))
            rates = []
            for _ in range(args.repeat):
                Reminder.objects.update(
                    status=Reminder.Status.PENDING, send_at=now() - dt.timedelta(minutes=1)
                )
                before = inbox.count
                seconds = _worker(port, args.batch) - empty
                sent = inbox.count - before
                assert sent == args.count, (sent, args.count)
                rates.append(sent / seconds)
            print(f"machine: {machine()}")
            print(f"database: {vendor}; reminders per run: {args.count}; batch {args.batch}")
            print(f"empty run (start-up): {empty:.2f} s")
            print(
                "reminders per second: "
                + ", ".join(f"{r:.0f}" for r in rates)
                + f" (median {statistics.median(rates):.0f})"
            )
    finally:
        controller.stop()


if __name__ == "__main__":
    main()

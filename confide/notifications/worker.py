"""Confide's worker: django-tasks-db's loop, plus a lease, a sweeper, reminders and agendas.

The tasks loop is django-tasks-db's own, unchanged, in the main thread. Beside it run two
threads: a heartbeat that renews this worker's lease, and the duties loop that sweeps lapsed
leases, queues morning agendas and sends due reminders.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from confide.measures.services import schedules_run as measures_schedules_run
from confide.notifications.leases import (
    leases_sweep,
    worker_lease_release,
    worker_lease_renew,
    worker_lease_take,
)
from confide.notifications.reminders import agendas_schedule, reminders_send_due

logger = logging.getLogger(__name__)


class ConfideWorker(Worker):
    """A django-tasks-db Worker that holds a lease and also sends reminders and agendas."""

    def __init__(
        self,
        *,
        lease_seconds: float = 60.0,
        sweep_interval: float | None = None,
        reminder_batch: int = 50,
        clock: Callable[[], dt.datetime] = timezone.now,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.lease_seconds = lease_seconds
        self.sweep_interval = sweep_interval or lease_seconds / 2
        self.reminder_batch = reminder_batch
        self.clock = clock
        self.stopping = threading.Event()
        self.reminders_sent = 0
        self._threads: list[threading.Thread] = []

    def run(self) -> None:
        # The lease is taken inside the try: a stop signal can arrive the moment it exists (the
        # handler exits an idle worker at once), and the lease must still be given back.
        try:
            worker_lease_take(
                worker_id=self.worker_id, now=self.clock(), seconds=self.lease_seconds
            )
            self._start("heartbeat", self._heartbeat)
            if self.batch:
                # Everything due now, then exit: reminders first, then tasks, then anything the
                # tasks made due.
                self.duties_once()
                super().run()
                self.duties_once()
            else:
                self._start("duties", self._duties)
                super().run()
        finally:
            self._stop_threads()
            worker_lease_release(worker_id=self.worker_id)
            logger.info("Worker %s stopped; its lease is released", self.worker_id)

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if self.running:
            # Let the reminder in hand finish and be recorded before the process goes.
            self._stop_threads()
        super().shutdown(signum, frame)

    def duties_once(self) -> None:
        """Sweep, queue agendas, send scheduled measures, and send reminders until none is due."""
        now = self.clock()
        leases_sweep(now=now)
        agendas_schedule(now=now)
        measures_schedules_run(now=now)
        while self._send_round() == self.reminder_batch and not self.stopping.is_set():
            pass

    def _send_round(self) -> int:
        sent = reminders_send_due(
            worker_id=self.worker_id,
            clock=self.clock,
            limit=self.reminder_batch,
            keep_going=lambda: not self.stopping.is_set(),
        )
        self.reminders_sent += sent
        return sent

    def _start(self, name: str, target: Callable[[], None]) -> None:
        thread = threading.Thread(target=self._in_thread(target), name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _stop_threads(self) -> None:
        self.stopping.set()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=60)

    @staticmethod
    def _in_thread(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            finally:
                # Each thread has its own database connection; close it with the thread.
                connections.close_all()

        return run

    def _heartbeat(self) -> None:
        # Three beats per lease: one late beat (a slow database) does not lose the lease.
        while not self.stopping.wait(self.lease_seconds / 3):
            try:
                close_old_connections()
                if not worker_lease_renew(
                    worker_id=self.worker_id, now=self.clock(), seconds=self.lease_seconds
                ):
                    logger.warning(
                        "Worker %s found its lease lapsed and swept; work it held may be "
                        "done twice",
                        self.worker_id,
                    )
            except Exception:
                logger.exception("Could not renew the lease of worker %s", self.worker_id)

    def _duties(self) -> None:
        next_sweep = 0.0
        while not self.stopping.is_set():
            sent = 0
            try:
                close_old_connections()
                if time.monotonic() >= next_sweep:
                    now = self.clock()
                    leases_sweep(now=now)
                    agendas_schedule(now=now)
                    next_sweep = time.monotonic() + self.sweep_interval
                sent = self._send_round()
            except Exception:
                # A locked or unreachable database: try again on the next tick.
                logger.exception("Reminder round failed on worker %s", self.worker_id)
            if sent < self.reminder_batch:
                self.stopping.wait(self.interval)

"""Run Confide's background worker: tasks, reminders, agendas, and the sweeper of lost work."""

from __future__ import annotations

import argparse
import logging
from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from confide.keys.ring import DataKeyMismatchError, data_keys_verify_at_start
from confide.notifications.worker import ConfideWorker

logger = logging.getLogger(__name__)


class Command(db_worker.Command):
    help = (
        "Run a background worker: queued tasks, due reminders and morning agendas. It holds a "
        "lease while alive; tasks and reminders of workers whose lease lapsed go back in the "
        "queue. Run as many as you like against one database."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--lease-seconds",
            type=float,
            default=60.0,
            help="How long this worker counts as alive without renewing (default: %(default)s); "
            "work of a worker silent this long is handed to others.",
        )
        parser.add_argument(
            "--reminder-batch",
            type=int,
            default=50,
            help="Reminders claimed at a time (default: %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity: int = options["verbosity"]
        self.configure_logging(verbosity)
        logging.getLogger("confide").setLevel(logging.INFO if verbosity else logging.CRITICAL)
        if options["lease_seconds"] <= 0 or options["reminder_batch"] <= 0:
            raise CommandError("--lease-seconds and --reminder-batch must be above zero")
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        try:
            # Before any task or reminder: a worker must not seal or send with a wrong key.
            data_keys_verify_at_start()
        except DataKeyMismatchError as error:
            raise CommandError(str(error)) from error
        if options["reload"]:
            # A reloading parent and child would hold two leases for one id; restart instead.
            logger.info("The Confide worker does not reload on code changes; restart it instead.")
        worker = ConfideWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
            lease_seconds=options["lease_seconds"],
            reminder_batch=options["reminder_batch"],
        )
        worker.configure_signals()
        worker.run()

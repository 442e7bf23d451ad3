"""The django-tasks-db internals confide_worker leans on keep their names, signatures and behaviour.

confide_worker subclasses django-tasks-db's worker and command, and its sweeper rewrites task
rows (a dead worker's RUNNING tasks go back to READY). None of that is public API. When one of
these tests fails after an upgrade, the message says what changed; adapt
confide/notifications/worker.py, leases.py or the confide_worker command, then raise the pin in
requirements/base.in.
"""

from __future__ import annotations

import datetime as dt
import inspect
import signal
from collections.abc import Callable
from typing import Any

import pytest
from django.db import models
from django.tasks import TaskContext, TaskResultStatus, task
from django.utils import timezone
from django_tasks_db import utils
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from confide.notifications.leases import leases_sweep, worker_lease_renew

Worker = db_worker.Worker

# What Confide overrides or calls, how it calls it, and where.
CONTRACT: dict[str, tuple[Callable[..., Any], str, str]] = {
    "Worker.__init__": (
        Worker.__init__,
        "(self, *, queue_names, interval, batch, backend_name, startup_delay, max_tasks, "
        "worker_id, excluded_queue_names)",
        "ConfideWorker.__init__ and the confide_worker command pass these by name",
    ),
    "Worker.run": (Worker.run, "(self)", "ConfideWorker.run overrides it and calls it"),
    "Worker.shutdown": (
        Worker.shutdown,
        "(self, signum, frame)",
        "ConfideWorker.shutdown overrides it and calls it",
    ),
    "Worker.configure_signals": (
        Worker.configure_signals,
        "(self)",
        "the confide_worker command calls it",
    ),
    "Command.add_arguments": (
        db_worker.Command.add_arguments,
        "(self, parser)",
        "the confide_worker command overrides it and calls it",
    ),
    "Command.configure_logging": (
        db_worker.Command.configure_logging,
        "(self, verbosity)",
        "the confide_worker command calls it",
    ),
    "DBTaskResult.claim": (
        DBTaskResult.claim,
        "(self, worker_id)",
        "the sweeper reads the worker ids it appends",
    ),
    "exclusive_transaction": (
        utils.exclusive_transaction,
        "(using=None)",
        "leases.py and reminders.py claim rows inside it",
    ),
}

# The db_worker options the confide_worker command reads from its parsed arguments.
OPTIONS_READ = {
    "verbosity",
    "queue_name",
    "exclude_queues",
    "interval",
    "batch",
    "backend_name",
    "startup_delay",
    "reload",
    "max_tasks",
    "worker_id",
}

# Worker attributes ConfideWorker reads.
ATTRIBUTES_READ = {"running", "running_task", "batch", "interval", "worker_id"}


def _call_shape(target: Callable[..., Any]) -> str:
    """Return the signature without annotations: names, kinds and defaults are what calls need."""
    parameters = [
        p.replace(annotation=inspect.Parameter.empty)
        for p in inspect.signature(target).parameters.values()
    ]
    return str(inspect.Signature(parameters))


def _worker(worker_id: str = "contract", *, batch: bool = True) -> db_worker.Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


@task(takes_context=True)
def report_own_row(context: TaskContext[Any, Any]) -> list[Any]:
    """Return the status and worker ids of this task's own row, as they are while it runs."""
    row = DBTaskResult.objects.get(pk=context.task_result.id)
    return [row.status, row.worker_ids]


@pytest.mark.parametrize(("name", "entry"), CONTRACT.items(), ids=list(CONTRACT))
def test_what_confide_overrides_or_calls_keeps_its_signature(
    name: str, entry: tuple[Callable[..., Any], str, str]
) -> None:
    target, expected, why = entry
    actual = _call_shape(target)
    assert actual == expected, (
        f"django-tasks-db changed {name}: Confide expects {expected}, it is now {actual} ({why})."
    )


def test_the_worker_command_still_has_the_options_confide_worker_reads() -> None:
    parser = db_worker.Command().create_parser("manage.py", "db_worker")
    missing = OPTIONS_READ - set(vars(parser.parse_args([])))
    assert not missing, f"db_worker no longer has the options {sorted(missing)}"


def test_the_worker_still_has_the_attributes_confide_worker_reads() -> None:
    missing = {name for name in ATTRIBUTES_READ if not hasattr(_worker(), name)}
    assert not missing, f"django-tasks-db's Worker no longer sets {sorted(missing)}"


def test_the_task_row_still_has_the_fields_and_statuses_the_sweeper_writes() -> None:
    fields = {f.name: f for f in DBTaskResult._meta.concrete_fields}
    assert {"status", "started_at", "worker_ids"} <= set(fields), (
        "DBTaskResult lost a field leases_sweep() reads or writes"
    )
    assert isinstance(fields["worker_ids"], models.JSONField), "worker_ids is no longer a list"
    assert fields["started_at"].null, "started_at can no longer be cleared when a task is swept"
    statuses = {value for value, _ in fields["status"].choices or []}
    assert {TaskResultStatus.READY, TaskResultStatus.RUNNING} <= statuses


def test_a_stop_signal_ends_an_idle_worker_at_once_and_lets_a_running_task_finish() -> None:
    # ConfideWorker.shutdown relies on both: its run()'s finally releases the lease either way.
    idle = _worker()
    with pytest.raises(SystemExit) as stopped:
        idle.shutdown(signal.SIGTERM, None)
    assert stopped.value.code == 0, "an idle worker no longer exits cleanly on SIGTERM"

    busy = _worker()
    busy.running_task = True
    busy.shutdown(signal.SIGTERM, None)
    assert busy.running is False, "a busy worker no longer finishes its task before stopping"


def test_a_running_task_is_marked_running_with_its_worker_last_and_a_swept_one_runs_again(
    transactional_db: None,
) -> None:
    first = report_own_row.enqueue()
    _worker("first").run()
    row = DBTaskResult.objects.get(pk=first.id)
    assert row.status == TaskResultStatus.SUCCESSFUL, row.traceback
    assert row.return_value == [TaskResultStatus.RUNNING, ["first"]], (
        "a running task's row no longer says RUNNING with its worker's id last: "
        "leases_sweep() would not find the work of a dead worker"
    )

    # A worker that claimed a task and died: its lease lapsed long ago.
    now = timezone.now()
    worker_lease_renew(worker_id="dead", now=now - dt.timedelta(minutes=5), seconds=60)
    lost = report_own_row.enqueue()
    DBTaskResult.objects.get(pk=lost.id).claim("dead")

    assert leases_sweep(now=now).tasks == 1
    assert DBTaskResult.objects.ready().filter(pk=lost.id).exists(), (
        "a task the sweeper put back to READY is no longer ready to run"
    )
    _worker("second").run()
    row = DBTaskResult.objects.get(pk=lost.id)
    assert row.status == TaskResultStatus.SUCCESSFUL, row.traceback
    assert row.return_value == [TaskResultStatus.RUNNING, ["dead", "second"]]

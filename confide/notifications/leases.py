"""Worker leases, and the sweeper that gives back the work of workers that died.

django-tasks-db marks a task RUNNING when a worker claims it and nothing ever undoes that if
the worker is killed. Each Confide worker holds a lease that it renews while alive; any worker
that finds a lapsed lease puts the dead worker's tasks back to READY and its reminders back to
pending, then removes the lease.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass

from django.dispatch import Signal
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from confide.notifications.models import Reminder, WorkerLease

logger = logging.getLogger(__name__)

leases_swept = Signal()
"""Sent inside the sweep's transaction with ``workers``, ``tasks`` and ``reminders`` (counts)."""


def worker_lease_renew(*, worker_id: str, now: dt.datetime, seconds: float) -> bool:
    """Extend this worker's lease to ``now + seconds``; return False when it had lapsed.

    A lease found gone was swept: this worker was taken for dead (stalled longer than its
    lease) and its work handed on. It takes a new lease and carries on; what it was doing may
    then be done twice, which is logged.
    """
    expires = now + dt.timedelta(seconds=seconds)
    if WorkerLease.objects.filter(worker_id=worker_id).update(renewed_at=now, expires_at=expires):
        return True
    _, created = WorkerLease.objects.get_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": now,
            "renewed_at": now,
            "expires_at": expires,
        },
    )
    return not created


def worker_lease_take(*, worker_id: str, now: dt.datetime, seconds: float) -> None:
    """Register a starting worker."""
    if worker_lease_renew(worker_id=worker_id, now=now, seconds=seconds):
        logger.warning("Worker id %s was already registered; reusing its lease", worker_id)


def worker_lease_release(*, worker_id: str) -> None:
    """Remove the lease of a worker that stops cleanly (it holds no work by then)."""
    WorkerLease.objects.filter(worker_id=worker_id).delete()


@dataclass(frozen=True)
class Sweep:
    workers: int = 0
    tasks: int = 0
    reminders: int = 0


def leases_sweep(*, now: dt.datetime) -> Sweep:
    """Give back the tasks and reminders of every worker whose lease lapsed before ``now``.

    One transaction: the lapsed leases, their RUNNING tasks and their claimed reminders change
    together, so two sweepers never both hand back the same work. Tasks of workers that never
    took a lease (a plain db_worker) are left alone: nothing says whether they are alive.
    """
    with exclusive_transaction(WorkerLease.objects.db):
        dead = set(
            WorkerLease.objects.filter(expires_at__lt=now)
            .select_for_update(skip_locked=True)
            .values_list("worker_id", flat=True)
        )
        if not dead:
            return Sweep()
        # A task's last worker id is the one running it; RUNNING tasks are few.
        lost = [
            task.pk
            for task in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
            .select_for_update(skip_locked=True)
            .only("pk", "worker_ids")
            if task.worker_ids and task.worker_ids[-1] in dead
        ]
        tasks = DBTaskResult.objects.filter(pk__in=lost).update(
            status=TaskResultStatus.READY, started_at=None
        )
        reminders = Reminder.objects.filter(
            status=Reminder.Status.SENDING, claimed_by__in=dead
        ).update(
            status=Reminder.Status.PENDING,
            claimed_by="",
            outcome=Reminder.SWEPT_NOTE,
        )
        WorkerLease.objects.filter(worker_id__in=dead).delete()
        leases_swept.send(sender=WorkerLease, workers=len(dead), tasks=tasks, reminders=reminders)
    result = Sweep(workers=len(dead), tasks=tasks, reminders=reminders)
    logger.warning(
        "Swept %d lapsed worker(s): %d task(s) back to READY, %d reminder(s) back to pending",
        result.workers,
        result.tasks,
        result.reminders,
    )
    return result

"""What /readyz checks: the database answers, every migration is applied, a worker is alive.

Each check returns "ok" or a short reason; none reads or reports anything about a person.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max

from confide.notifications.models import WorkerLease

OK = "ok"
NOT_CHECKED = "not checked"
# A worker renews its lease three times a minute (confide/notifications/worker.py).
WORKER_SEEN_WITHIN = dt.timedelta(minutes=1)
# Loading the migration graph reads every migration file: do it at most this often per process.
MIGRATIONS_CACHE_SECONDS = 30.0

_migrations_lock = threading.Lock()
_migrations_cache: tuple[float, str] | None = None


def unapplied_migrations() -> list[str]:
    """Return the migrations the database still lacks, as "app.name"."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def database_check() -> str:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return OK


def migrations_check(*, monotonic: float) -> str:
    """Return whether every migration is applied, as found at most MIGRATIONS_CACHE_SECONDS ago."""
    global _migrations_cache
    with _migrations_lock:
        cached = _migrations_cache
        if cached is not None and monotonic - cached[0] < MIGRATIONS_CACHE_SECONDS:
            return cached[1]
        try:
            pending = len(unapplied_migrations())
        except DatabaseError:
            # Not cached: the next probe looks again.
            return "could not be read"
        result = OK if pending == 0 else f"{pending} unapplied"
        _migrations_cache = (monotonic, result)
        return result


def migrations_check_forget() -> None:
    """Drop the cached migrations result, so the next check loads the graph again."""
    global _migrations_cache
    with _migrations_lock:
        _migrations_cache = None


def worker_check(*, now: dt.datetime) -> str:
    """Return "ok" when some worker renewed its lease within WORKER_SEEN_WITHIN of ``now``."""
    try:
        last = WorkerLease.objects.aggregate(last=Max("renewed_at"))["last"]
    except DatabaseError:
        return "could not be read"
    if last is None:
        return "none running"
    age = now - last
    if age > WORKER_SEEN_WITHIN:
        return f"not seen for {int(age.total_seconds())} s"
    return OK


def readiness(*, now: dt.datetime, monotonic: float | None = None) -> dict[str, str]:
    """Return each check's result by name; the rest are "not checked" when the database is down."""
    database = database_check()
    if database != OK:
        return {"database": database, "migrations": NOT_CHECKED, "worker": NOT_CHECKED}
    return {
        "database": OK,
        "migrations": migrations_check(
            monotonic=time.monotonic() if monotonic is None else monotonic
        ),
        "worker": worker_check(now=now),
    }

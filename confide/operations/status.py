"""The last backup and the last successful drill, as the office shows them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from confide.operations.models import OperationRun

# A nightly timer that missed one night is not yet a worry; two missed nights are.
STALE_AFTER = dt.timedelta(days=2)


@dataclass(frozen=True)
class BackupStatus:
    last_backup: OperationRun | None
    last_drill: OperationRun | None
    backup_stale: bool
    drill_stale: bool


def backup_status(*, now: dt.datetime) -> BackupStatus:
    """Return the newest successful backup and drill, and whether each is missing or stale."""
    runs = OperationRun.objects.filter(ok=True).order_by("-at", "-pk")
    backup = runs.filter(kind=OperationRun.Kind.BACKUP).first()
    drill = runs.filter(kind=OperationRun.Kind.DRILL).first()
    return BackupStatus(
        last_backup=backup,
        last_drill=drill,
        backup_stale=backup is None or now - backup.at > STALE_AFTER,
        drill_stale=drill is None or now - drill.at > STALE_AFTER,
    )

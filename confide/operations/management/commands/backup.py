"""Back up the database and uploads, encrypted to BACKUP_RECIPIENT, and prune old backups."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from confide.operations.archive import BackupError
from confide.operations.services import backup_create


class Command(BaseCommand):
    help = "Make an encrypted backup of the database and uploads in BACKUP_DIR."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            run = backup_create()
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backup {run.archive}: {run.size} bytes, {run.tables} tables, {run.rows} rows."
        )

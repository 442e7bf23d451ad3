"""A record of each backup and each restore drill, for the office to show."""

from __future__ import annotations

from django.db import models


class OperationRun(models.Model):
    """One backup or one restore drill: when, how it ended, how big, how many rows."""

    class Kind(models.TextChoices):
        BACKUP = "backup", "Backup"
        DRILL = "drill", "Restore drill"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(help_text="When it finished (UTC).")
    ok = models.BooleanField()
    # The archive's file name: a UTC time stamp and nothing about anyone.
    archive = models.CharField(max_length=200, blank=True)
    size = models.BigIntegerField(default=0, help_text="Bytes of the encrypted archive.")
    tables = models.PositiveIntegerField(default=0)
    rows = models.PositiveBigIntegerField(default=0)
    # What went wrong, in the drill's words: table names, counts and record ids, never text.
    detail = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "ok", "-at"], name="operations_kind_ok_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'failed'}"

"""A check value per data key id, so a key configured with other bytes is refused."""

from __future__ import annotations

from django.db import models


class DataKeyCheck(models.Model):
    """A value sealed with a data key when its id was first seen, to refuse a wrong key later."""

    key_id = models.CharField(max_length=32, unique=True)
    check_value = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key_id"]

    def __str__(self) -> str:
        return f"Check for data key {self.key_id}"

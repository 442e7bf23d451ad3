from __future__ import annotations

from django.db import models


class RateLimitCounter(models.Model):
    """How often one (hashed) client address used one form in the current window."""

    key = models.CharField(max_length=64, unique=True)
    window_start = models.BigIntegerField(help_text="Unix time the window began.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.count}"

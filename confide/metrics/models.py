"""Counts shared by every app server and worker, kept in the database they all use."""

from __future__ import annotations

from django.db import models


class Tally(models.Model):
    """One named count of events since the install began (booking conflicts, leases reclaimed)."""

    class Name(models.TextChoices):
        BOOKING_CONFLICTS = "booking_conflicts", "Bookings and moves refused for an overlap"
        LEASES_RECLAIMED = "leases_reclaimed", "Lapsed worker leases swept"

    name = models.CharField(max_length=40, choices=Name, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "tallies"

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"

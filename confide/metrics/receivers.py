"""Count what the domain announces: refused bookings and swept worker leases."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from confide.metrics.counters import tally_add
from confide.metrics.models import Tally
from confide.notifications.leases import leases_swept
from confide.scheduling.events import booking_refused


@receiver(booking_refused, dispatch_uid="metrics_booking_refused")
def count_booking_refused(**kwargs: Any) -> None:
    tally_add(name=Tally.Name.BOOKING_CONFLICTS)


@receiver(leases_swept, dispatch_uid="metrics_leases_swept")
def count_leases_swept(*, workers: int, **kwargs: Any) -> None:
    tally_add(name=Tally.Name.LEASES_RECLAIMED, amount=workers)

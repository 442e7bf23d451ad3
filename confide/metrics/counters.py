"""Add to a tally atomically, so app servers and workers counting at once lose nothing."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from confide.metrics.models import Tally


def tally_add(*, name: Tally.Name, amount: int = 1) -> None:
    """Add ``amount`` to the named tally in one UPDATE, creating its row the first time."""
    if amount <= 0:
        return
    if Tally.objects.filter(name=name).update(value=F("value") + amount):
        return
    try:
        # A savepoint: losing a race to create the row must not spoil the caller's transaction.
        with transaction.atomic():
            Tally.objects.create(name=name, value=amount)
    except IntegrityError:
        Tally.objects.filter(name=name).update(value=F("value") + amount)


def tally_value(name: Tally.Name) -> int:
    """Return the named tally, 0 before its first event."""
    return Tally.objects.filter(name=name).values_list("value", flat=True).first() or 0

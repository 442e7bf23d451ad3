"""The overlap guard: no two active appointments of a clinician overlap, buffers included.

The database holds the rule (docs/decisions/0003): an exclusion constraint on PostgreSQL,
triggers on SQLite. This module is the code's side of it: holding a check of free time and the
write after it together, and reading the database's refusal.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator

from django.db import IntegrityError, transaction

from confide.scheduling.errors import SlotTaken
from confide.scheduling.events import booking_refused
from confide.scheduling.models import Appointment


@contextlib.contextmanager
def held_together() -> Iterator[None]:
    """Run a check of free time and the write that follows it as one transaction.

    On SQLite every transaction begins IMMEDIATE (confide/settings.py), so this takes the write
    lock at its first statement and no other booking can come between the check and the insert;
    on PostgreSQL the exclusion constraint refuses whichever of two racing inserts comes second,
    and ``is_overlap`` recognises the refusal.
    """
    with transaction.atomic():
        yield


def is_overlap(error: IntegrityError) -> bool:
    """Return True when the database refused a write because two appointments would overlap."""
    cause = error.__cause__
    # PostgreSQL reports the exclusion constraint by SQLSTATE, SQLite by the trigger's message.
    return getattr(cause, "sqlstate", None) == "23P01" or "appointment_no_overlap" in str(error)


def inserted(appointment: Appointment) -> bool:
    """Save a new appointment in its own savepoint; return False when it would overlap another.

    The savepoint keeps the surrounding transaction usable after a refusal (PostgreSQL aborts a
    transaction on any error inside it), so a series can go on to its next date.
    """
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        if not is_overlap(error):
            raise
        return False
    return True


def colliding(appointment: Appointment) -> Appointment | None:
    """Return an active appointment whose busy span overlaps this one's, if any.

    Called after ``inserted`` refused it: the refused save has already widened the appointment
    by its buffers (``Appointment.save``).
    """
    return (
        Appointment.objects.active()
        .filter(
            clinician=appointment.clinician,
            busy_start__lt=appointment.busy_end,
            busy_end__gt=appointment.busy_start,
        )
        .exclude(pk=appointment.pk)
        .select_related("client", "consultation")
        .first()
    )


def refusals_announced[**P, R](service: Callable[P, R]) -> Callable[P, R]:
    """Send ``booking_refused`` when the service refuses a time that overlaps another.

    The signal goes out after the service's own transaction has rolled back, so a count kept by
    a receiver survives the refusal.
    """

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return service(*args, **kwargs)
        except SlotTaken:
            booking_refused.send(sender=SlotTaken)
            raise

    return wrapper

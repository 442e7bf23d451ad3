"""What happens to appointments, announced to whoever listens (messages, reminders, later more)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.dispatch import Signal

from confide.accounts.sessions import AnyUser as Actor  # who makes a change

if TYPE_CHECKING:
    from confide.scheduling.models import Appointment


class Event(models.TextChoices):
    BOOKED = "booked", "Booked"
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    RESCHEDULED = "rescheduled", "Moved to another time"
    CANCELLED = "cancelled", "Cancelled"
    # What happened to a session that has begun (attendance); nobody is sent a message.
    OUTCOME = "outcome", "Outcome recorded"


appointment_changed = Signal()
"""Sent by every scheduling change, inside its transaction, with these keyword arguments:

- ``appointment``: the appointment as it is now (for RESCHEDULED the new one; the earlier one
  is its ``rescheduled_from``);
- ``event``: an ``Event``;
- ``actor``: the staff member who made the change, or None when the person who booked made it
  online (through their link);
- ``announce``: False for the later sessions of a series changed together (booked, cancelled or
  moved in one go). Their news goes out once, with the series' first changed session, and
  receivers that send messages send none for them; everything else (reminders, charges) still
  follows each one;
- ``together``: on the session that announces a series change, the ids of every session changed
  with it (itself included), earliest first, so one message can list them; else empty.

Receivers run in the same transaction, so whatever they write commits or rolls back with the
change; an exception in a receiver undoes the change.
"""


def appointment_changed_send(
    *,
    appointment: Appointment,
    event: Event,
    actor: Actor | None,
    announce: bool = True,
    together: tuple[int, ...] = (),
) -> None:
    """Announce a change of an appointment to every receiver, in the caller's transaction."""
    # send(), not send_robust(): a receiver that fails must roll the change back, not be skipped.
    appointment_changed.send(
        sender=type(appointment),
        appointment=appointment,
        event=event,
        actor=actor,
        announce=announce,
        together=together,
    )


booking_refused = Signal()
"""Sent when a booking or a move is refused because its time overlaps another appointment.

Sent after the refused change's transaction has rolled back, with no arguments, so what a
receiver writes (a count) is kept.
"""

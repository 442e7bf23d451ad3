"""Writes of the notifications app: queueing the messages an appointment change causes."""

from __future__ import annotations

from confide.notifications.emails import recipient
from confide.notifications.events import AUDIENCE_EVENTS, Audience, Event
from confide.notifications.tasks import send_appointment_message
from confide.scheduling.models import Appointment


def appointment_notify(*, appointment: Appointment, event: Event) -> list[Audience]:
    """Queue the messages about an event of an appointment; return who will hear of it.

    Call it inside the transaction that changes the appointment: the task rows then commit, or
    roll back, with the change, and the worker never sees a message about a booking that failed.
    For RESCHEDULED pass the new appointment; the earlier one is its ``rescheduled_from``.
    """
    queued: list[Audience] = []
    for audience in Audience:
        if event in AUDIENCE_EVENTS[audience] and recipient(appointment, audience):
            send_appointment_message.enqueue(appointment.pk, event.value, audience.value)
            queued.append(audience)
    return queued

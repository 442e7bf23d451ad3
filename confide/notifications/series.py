"""One message for a series changed in one go (booked, cancelled or moved), not one per session."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from confide.notifications.emails import recipient
from confide.notifications.events import AUDIENCE_EVENTS, Audience, Event
from confide.notifications.reminders import reminders_follow
from confide.notifications.tasks import send_appointment_message
from confide.scheduling.models import Appointment


def series_notify(
    *,
    appointment: Appointment,
    event: Event,
    together: tuple[int, ...],
    by_clinician: bool,
    now: dt.datetime | None = None,
) -> list[Audience]:
    """Queue one message listing the sessions ``together``, and follow this session's reminders.

    Call it for the series' first changed session, as ``appointment_notify`` is called for a
    single change; the same audiences hear of it, under the same rules.
    """
    queued: list[Audience] = []
    for audience in Audience:
        if by_clinician and audience == Audience.CLINICIAN:
            continue
        if event in AUDIENCE_EVENTS[audience] and recipient(appointment, audience):
            send_appointment_message.enqueue(
                appointment.pk, event.value, audience.value, list(together)
            )
            queued.append(audience)
    reminders_follow(appointment=appointment, event=event, now=now or timezone.now())
    return queued


def told_with_series(
    *, appointment: Appointment, event: Event, now: dt.datetime | None = None
) -> None:
    """Follow the reminders of a later session of a series, whose news goes with the first."""
    reminders_follow(appointment=appointment, event=event, now=now or timezone.now())

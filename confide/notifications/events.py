"""Who hears of each kind of appointment change (the kinds themselves are scheduling's)."""

from __future__ import annotations

from django.db import models

from confide.scheduling.events import Event

__all__ = ["AUDIENCE_EVENTS", "Audience", "Event"]


class Audience(models.TextChoices):
    PERSON = "person", "The person who booked"
    CLINICIAN = "clinician", "The clinician"


# The clinician decides confirmations and declines in the office, so they get no notice of them.
AUDIENCE_EVENTS: dict[Audience, frozenset[Event]] = {
    # What happened to a session (attendance) is the office's record, never a message.
    Audience.PERSON: frozenset(Event) - {Event.OUTCOME},
    Audience.CLINICIAN: frozenset(
        {Event.BOOKED, Event.REQUESTED, Event.RESCHEDULED, Event.CANCELLED}
    ),
}

"""What can happen to an appointment that someone should hear about, and who hears."""

from __future__ import annotations

from django.db import models


class Event(models.TextChoices):
    BOOKED = "booked", "Booked"
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    RESCHEDULED = "rescheduled", "Moved to another time"
    CANCELLED = "cancelled", "Cancelled"


class Audience(models.TextChoices):
    PERSON = "person", "The person who booked"
    CLINICIAN = "clinician", "The clinician"


# The clinician decides confirmations and declines in the office, so they get no notice of them.
AUDIENCE_EVENTS: dict[Audience, frozenset[Event]] = {
    Audience.PERSON: frozenset(Event),
    Audience.CLINICIAN: frozenset(
        {Event.BOOKED, Event.REQUESTED, Event.RESCHEDULED, Event.CANCELLED}
    ),
}

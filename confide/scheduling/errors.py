"""The one error tree of scheduling: every refusal carries a message written for people."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import dateformat

if TYPE_CHECKING:
    from confide.scheduling.models import Appointment


class SchedulingError(Exception):
    """A change scheduling cannot make.

    ``message`` is written for whoever asked (a person booking online, or staff in the office);
    ``field`` names the form field it is about, when it is about one.
    """

    message = "That can't be done."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message
        self.field = field


class ContactMissing(SchedulingError):
    """Someone new gave no way to reach them."""

    message = "Give an email address or a phone number."


class NotBookable(SchedulingError):
    """The booking makes no sense as asked (a discharged client, a type switched off, ...)."""


class SlotUnavailable(SchedulingError):
    """The time is not one the public may book (outside hours, notice, horizon or format)."""

    message = "That time isn't open for booking. Please choose one of the times shown."


class SlotPassed(SlotUnavailable):
    """The time is in the past."""

    message = "That time has already passed."


class SlotTaken(SchedulingError):
    """The time overlaps another active appointment of the clinician, buffers included."""

    message = "That time was just taken by someone else."


class TimeTaken(SlotTaken):
    """A taken time, told to staff: the message names the appointment in the way."""

    def __init__(self, other: Appointment | None) -> None:
        super().__init__(_taken_message(other), field="time")


class SeriesCollision(SlotTaken):
    """Some dates of a series collide; ``starts`` are those starts (UTC), nothing was booked."""

    def __init__(self, starts: list[dt.datetime], tz: ZoneInfo) -> None:
        self.starts = starts
        days = ", ".join(day_label(s, tz) for s in starts)
        super().__init__(
            f"{len(starts)} of the dates overlap another appointment: {days}. "
            "Nothing was booked. Choose another time, or book the other dates and skip these."
        )


class SeriesMoveBlocked(TimeTaken):
    """A session of a series would overlap ``other`` at its new time; nothing was moved."""

    def __init__(self, *, old: Appointment, other: Appointment | None, tz: ZoneInfo) -> None:
        super().__init__(other)
        self.message = (
            f"Nothing was moved: the session of {day_label(old.start, tz)} would move onto a "
            f"time that is taken. {self.message}"
        )


class AlreadyBooked(SchedulingError):
    """The same booking form was sent twice; ``appointment`` is the booking it made."""

    message = "This booking has already been made."

    def __init__(self, appointment: Appointment) -> None:
        super().__init__()
        self.appointment = appointment


class NotChangeable(SchedulingError):
    """The appointment is not in a state that allows this change."""

    message = "This appointment can no longer be changed."


class InsideCancellationWindow(NotChangeable):
    """Too close to the appointment for the person who booked it to change it online."""

    message = "It is too close to the appointment to change it online."


class RequestNotOpen(SchedulingError):
    """The consultation request has already been dealt with."""

    message = "This request has already been dealt with."


def day_label(start: dt.datetime, tz: ZoneInfo) -> str:
    """Return a start as staff read it in messages: "Tue Mar 16, 2027 10:00 AM"."""
    return dateformat.format(start.astimezone(tz), "D M j, Y g:i A")


def _taken_message(other: Appointment | None) -> str:
    if other is None:
        return "That time overlaps another appointment, including the breaks around it."
    tz = other.clinician.tz()
    if other.client is not None:
        who = f"the appointment with {other.client.display_name}"
    elif other.consultation is not None:
        who = f"the consultation with {other.consultation.name}"
    else:
        who = "another appointment"
    return (
        f"That time overlaps {who} on {day_label(other.start, tz)}, including the breaks around it."
    )

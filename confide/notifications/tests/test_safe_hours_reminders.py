"""Reminders keep to the days and hours the person said contact is safe, by email and by text."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from confide.notifications.events import Event
from confide.notifications.models import OutboxMessage, Reminder
from confide.notifications.reminders import reminders_send_due
from confide.notifications.services import appointment_notify
from confide.notifications.tests.factories import appointment_make, new_york
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.usefixtures("demo")


def _person(start: dt.datetime, *, days: str = "", from_hour: int | None = None) -> Appointment:
    appointment = appointment_make(start=start, fmt=Appointment.Format.VIDEO)
    consultation = appointment.consultation
    assert consultation is not None
    consultation.phone, consultation.may_text = "(212) 555-0123", True
    consultation.time_zone = "America/New_York"
    consultation.safe_days = days
    consultation.safe_from = dt.time(from_hour) if from_hour is not None else None
    consultation.save()
    return appointment


def _book(appointment: Appointment, now: dt.datetime) -> None:
    with transaction.atomic():
        appointment_notify(appointment=appointment, event=Event.BOOKED, now=now)


def _rows(appointment: Appointment) -> list[tuple[str, float, dt.datetime, str]]:
    return [
        (r.channel, (r.offset_minutes or 0) / 60, r.send_at, r.status)
        for r in Reminder.objects.filter(appointment=appointment).order_by("send_at", "channel")
    ]


def test_not_before_9am_never_weekends_moves_every_reminder_to_monday_at_9() -> None:
    # Monday 10:00: "48 hours before" is a Saturday, "2 hours before" is 8:00.
    appointment = _person(new_york("2027-03-22 10:00"), days="01234", from_hour=9)

    _book(appointment, now=new_york("2027-03-10 12:00"))

    monday_nine = new_york("2027-03-22 09:00")
    assert sorted(_rows(appointment)) == [
        ("email", 2, monday_nine, "pending"),
        ("email", 48, monday_nine, "pending"),
        ("text", 2, monday_nine, "pending"),
        ("text", 48, monday_nine, "pending"),
    ]


def test_when_monday_is_too_late_the_reminder_goes_on_friday_instead() -> None:
    appointment = _person(new_york("2027-03-22 09:15"), days="01234", from_hour=9)

    _book(appointment, now=new_york("2027-03-10 12:00"))

    rows = _rows(appointment)
    # 48 hours before is Saturday 9:15; the last safe time before is Friday, before quiet hours
    # for the text (21:00) and before midnight for the email.
    assert ("text", 48, new_york("2027-03-19 20:30"), "pending") in rows
    assert ("email", 48, new_york("2027-03-19 23:30"), "pending") in rows


def test_a_worker_keeps_to_safe_hours_set_after_the_reminder_was_planned() -> None:
    appointment = _person(new_york("2027-03-22 15:00"))
    _book(appointment, now=new_york("2027-03-10 12:00"))
    consultation = appointment.consultation
    assert consultation is not None
    consultation.safe_days, consultation.safe_from = "01234", dt.time(9)
    consultation.save()

    # The 48-hour reminders fall due on Saturday at 15:00.
    reminders_send_due(worker_id="w1", clock=lambda: new_york("2027-03-20 15:00"))

    assert not OutboxMessage.objects.exists()
    waiting = Reminder.objects.filter(appointment=appointment, offset_minutes=48 * 60)
    assert {r.send_at for r in waiting} == {new_york("2027-03-22 09:00")}
    assert {r.status for r in waiting} == {"pending"}

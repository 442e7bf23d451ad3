"""The person's calendar file, read by the Python icalendar library and by ical.js."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from confide.notifications.tests.factories import (
    NAME,
    NOTE_CANARY,
    TYPE_NAME,
    appointment_make,
    ical_js,
    new_york,
)
from confide.scheduling.ical import appointment_ics
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.usefixtures("demo")

NOW = dt.datetime(2027, 1, 4, 12, tzinfo=dt.UTC)

# New York springs forward on 2027-03-14 and falls back on 2027-11-07; ten in the morning is a
# different UTC hour on either side of each change.
DST_TABLE = [
    ("2027-03-12 10:00", "2027-03-12T15:00:00Z"),
    ("2027-03-15 10:00", "2027-03-15T14:00:00Z"),
    ("2027-11-05 10:00", "2027-11-05T14:00:00Z"),
    ("2027-11-08 10:00", "2027-11-08T15:00:00Z"),
]


def _write(tmp_path: Path, body: bytes) -> Path:
    path = tmp_path / "appointment.ics"
    path.write_bytes(body)
    return path


@pytest.mark.parametrize(("local", "utc"), DST_TABLE)
def test_ical_js_places_the_appointment_at_the_right_instant(
    tmp_path: Path, local: str, utc: str
) -> None:
    appointment = appointment_make(start=new_york(local))

    parsed = ical_js(_write(tmp_path, appointment_ics(appointment, now=NOW)))

    assert parsed["method"] == "PUBLISH"
    assert parsed["timezones"] == ["America/New_York"]
    assert parsed["events"] == [
        {
            "uid": appointment.ical_uid,
            "sequence": 0,
            "summary": "Appointment",
            "start": utc,
            "end": utc.replace(":00:00Z", ":50:00Z"),
            "tz": "America/New_York",
            "status": "CONFIRMED",
            "class": "PRIVATE",
            "description": None,
            "location": None,
        }
    ]


def test_control_ical_js_misreads_the_vtimezone_icalendar_writes_by_default(
    tmp_path: Path,
) -> None:
    """Why ical.py writes one observance per change: the default RDATE lists go wrong.

    If this starts failing, ical.js reads RDATE lists now and the workaround could go.
    """
    appointment = appointment_make(start=new_york("2027-03-15 10:00"))
    calendar = Calendar.from_ical(appointment_ics(appointment, now=NOW))
    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VTIMEZONE"]
    calendar.add_missing_timezones()

    parsed = ical_js(_write(tmp_path, calendar.to_ical()))

    [event] = parsed["events"]
    assert event["start"] == "2027-03-15T15:00:00Z"  # an hour late: should be 14:00Z


@pytest.mark.parametrize(("local", "utc"), DST_TABLE)
def test_icalendar_reads_the_same_instant_in_the_clinicians_zone(local: str, utc: str) -> None:
    appointment = appointment_make(start=new_york(local))

    calendar = Calendar.from_ical(appointment_ics(appointment, now=NOW))

    [event] = calendar.events
    assert isinstance(event.start, dt.datetime)
    assert event.start == new_york(local)
    assert event.start.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") == utc
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert [tz.tz_name for tz in calendar.timezones] == ["America/New_York"]
    assert event.DTSTAMP == NOW


def test_it_says_appointment_and_nothing_more() -> None:
    appointment = appointment_make(start=new_york("2027-03-15 10:00"))

    body = appointment_ics(appointment, now=NOW).decode()
    event = Calendar.from_ical(body).events[0]

    assert event["SUMMARY"] == "Appointment"
    for absent in ("DESCRIPTION", "LOCATION", "ATTENDEE", "URL"):
        assert absent not in event
    for secret in (NOTE_CANARY, NAME, TYPE_NAME, "Brenner", "session", "consultation"):
        assert secret.lower() not in body.lower()
    assert event["ORGANIZER"] == "mailto:appointments@localhost"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Appointment.Status.REQUESTED, "TENTATIVE"),
        (Appointment.Status.CONFIRMED, "CONFIRMED"),
        (Appointment.Status.COMPLETED, "CONFIRMED"),
    ],
)
def test_it_maps_the_status(status: Appointment.Status, expected: str) -> None:
    appointment = appointment_make(start=new_york("2027-03-15 10:00"), status=status)

    event = Calendar.from_ical(appointment_ics(appointment, now=NOW)).events[0]

    assert event["STATUS"] == expected


@pytest.mark.parametrize(
    ("status", "cancel"),
    [
        (Appointment.Status.CONFIRMED, True),
        (Appointment.Status.CANCELLED, False),
        (Appointment.Status.DECLINED, False),
    ],
)
def test_a_cancellation_is_method_cancel_with_status_cancelled(
    tmp_path: Path, status: Appointment.Status, cancel: bool
) -> None:
    appointment = appointment_make(start=new_york("2027-03-15 10:00"), status=status)
    appointment.ical_sequence = 2
    appointment.save()

    body = appointment_ics(appointment, now=NOW, cancel=cancel)

    parsed = ical_js(_write(tmp_path, body))
    assert parsed["method"] == "CANCEL"
    [event] = parsed["events"]
    assert (event["uid"], event["sequence"], event["status"]) == (
        appointment.ical_uid,
        2,
        "CANCELLED",
    )


def test_a_moved_appointment_keeps_its_uid_with_a_higher_sequence(tmp_path: Path) -> None:
    earlier = appointment_make(start=new_york("2027-03-12 10:00"))
    moved = appointment_make(start=new_york("2027-03-15 10:00"))
    moved.ical_uid, moved.ical_sequence = earlier.ical_uid, earlier.ical_sequence + 1
    moved.save()

    first = ical_js(_write(tmp_path, appointment_ics(earlier, now=NOW)))["events"]
    second = ical_js(_write(tmp_path, appointment_ics(moved, now=NOW)))["events"]

    assert first[0]["uid"] == second[0]["uid"]
    assert (first[0]["sequence"], second[0]["sequence"]) == (0, 1)
    assert (first[0]["start"], second[0]["start"]) == (
        "2027-03-12T15:00:00Z",
        "2027-03-15T14:00:00Z",
    )


def test_the_download_serves_the_file_uncached(client: Client) -> None:
    appointment = appointment_make(start=new_york("2027-03-15 10:00"))

    response = client.get(reverse("scheduling:ics", args=[appointment.manage_token()]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == 'attachment; filename="appointment.ics"'
    event = Calendar.from_ical(response.content).events[0]
    assert event["UID"] == appointment.ical_uid


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "a" * 43 + ".forged-signature",
    ],
)
def test_the_download_is_not_found_for_a_bad_token(client: Client, token: str) -> None:
    appointment_make(start=new_york("2027-03-15 10:00"))

    assert client.get(reverse("scheduling:ics", args=[token])).status_code == 404


def test_the_download_is_not_found_for_a_tampered_token(client: Client) -> None:
    appointment = appointment_make(start=new_york("2027-03-15 10:00"))
    key, signature = appointment.manage_token().split(".", 1)

    response = client.get(reverse("scheduling:ics", args=[f"{key[:-1]}x.{signature}"]))

    assert response.status_code == 404


def test_the_download_is_not_found_for_a_validly_signed_unknown_key(client: Client) -> None:
    appointment = appointment_make(start=new_york("2027-03-15 10:00"))
    token = appointment.manage_token()
    appointment.delete()

    assert client.get(reverse("scheduling:ics", args=[token])).status_code == 404


def test_an_old_link_of_a_moved_appointment_gives_the_new_time_not_a_cancellation(
    client: Client,
) -> None:
    earlier = appointment_make(start=new_york("2027-03-12 10:00"))
    moved = appointment_make(start=new_york("2027-03-15 10:00"))
    moved.ical_uid, moved.ical_sequence = earlier.ical_uid, 1
    moved.save()
    earlier.status, earlier.rescheduled_to = Appointment.Status.RESCHEDULED, moved
    earlier.save()

    response = client.get(reverse("scheduling:ics", args=[earlier.manage_token()]))

    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    [event] = calendar.events
    assert (event["UID"], event["SEQUENCE"]) == (earlier.ical_uid, 1)
    assert event.start == new_york("2027-03-15 10:00")


def test_the_download_of_a_cancelled_appointment_cancels_it(client: Client) -> None:
    appointment = appointment_make(
        start=new_york("2027-03-15 10:00"), status=Appointment.Status.CANCELLED
    )

    response = client.get(reverse("scheduling:ics", args=[appointment.manage_token()]))

    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.events[0]["STATUS"] == "CANCELLED"


def test_the_download_refuses_writes(client: Client) -> None:
    appointment = appointment_make(start=new_york("2027-03-15 10:00"))

    response = client.post(reverse("scheduling:ics", args=[appointment.manage_token()]))

    assert response.status_code == 405


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        ("Europe/Berlin", "2027-03-27 10:00", "2027-03-27T09:00:00Z"),
        ("Europe/Berlin", "2027-03-29 10:00", "2027-03-29T08:00:00Z"),
        ("Australia/Sydney", "2027-04-03 10:00", "2027-04-02T23:00:00Z"),
        ("Australia/Sydney", "2027-04-05 10:00", "2027-04-05T00:00:00Z"),
        ("Asia/Kolkata", "2027-03-15 10:00", "2027-03-15T04:30:00Z"),
    ],
)
def test_it_writes_times_in_whatever_zone_the_clinician_works_in(
    tmp_path: Path, zone: str, local: str, utc: str
) -> None:
    start = dt.datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))
    appointment = appointment_make(start=start)
    appointment.clinician.time_zone = zone
    appointment.clinician.save()

    [event] = ical_js(_write(tmp_path, appointment_ics(appointment, now=NOW)))["events"]

    assert (event["tz"], event["start"]) == (zone, utc)

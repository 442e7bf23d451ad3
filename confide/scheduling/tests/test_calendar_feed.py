"""The clinician's private calendar feed: secret address, initials and lengths only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from confide.notifications.tests.factories import (
    NAME,
    NEW_YORK,
    NOTE_CANARY,
    TYPE_NAME,
    appointment_make,
    ical_js,
    new_york,
)
from confide.practice.models import Clinician
from confide.scheduling.calendar_views import clinician_feed_url
from confide.scheduling.ical import clinician_feed_ics
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture
def clinician() -> Clinician:
    return Clinician.objects.get(slug="hannah-brenner")


def _feed_path(clinician: Clinician) -> str:
    return reverse("scheduling:clinician_feed", args=[clinician.calendar_token])


def _parse(tmp_path: Path, body: bytes) -> dict[str, Any]:
    path = tmp_path / "feed.ics"
    path.write_bytes(body)
    return ical_js(path)


def _soon(days: float, hour: int = 10) -> dt.datetime:
    """Return a whole hour in New York about `days` from now, so the feed window applies."""
    day = (timezone.now() + dt.timedelta(days=days)).astimezone(NEW_YORK)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def test_a_phone_reads_private_events_with_initials_and_length(
    client: Client, clinician: Clinician, tmp_path: Path
) -> None:
    booked = appointment_make(start=_soon(3))
    asked = appointment_make(start=_soon(4), minutes=15, status=Appointment.Status.REQUESTED)

    response = client.get(_feed_path(clinician))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store, private"
    parsed = _parse(tmp_path, response.content)
    assert parsed["method"] == "PUBLISH"
    assert parsed["name"] == "Appointments"
    events = parsed["events"]
    assert [
        (e["uid"], e["summary"], e["class"], e["status"], e["description"], e["location"])
        for e in events
    ] == [
        (booked.ical_uid, "Z.Q. · 50 min", "PRIVATE", "CONFIRMED", None, None),
        (asked.ical_uid, "Z.Q. · 15 min", "PRIVATE", "TENTATIVE", None, None),
    ]
    assert {e["tz"] for e in events} == {"America/New_York"}


def test_the_feed_names_no_one_and_carries_no_note(client: Client, clinician: Clinician) -> None:
    appointment_make(start=_soon(3))

    body = client.get(_feed_path(clinician)).content.decode()

    for secret in (NAME, "Zelda", "Quintrell", NOTE_CANARY, TYPE_NAME, "zq@example.org"):
        assert secret not in body


def test_the_feed_spans_thirty_days_back_to_a_year_ahead(
    client: Client, clinician: Clinician, tmp_path: Path
) -> None:
    too_old = appointment_make(start=_soon(-32))
    recent = appointment_make(start=_soon(-28), status=Appointment.Status.COMPLETED)
    next_year = appointment_make(start=_soon(360))
    too_far = appointment_make(start=_soon(370))

    events = _parse(tmp_path, client.get(_feed_path(clinician)).content)["events"]

    uids = [e["uid"] for e in events]
    assert uids == [recent.ical_uid, next_year.ical_uid]
    assert too_old.ical_uid not in uids
    assert too_far.ical_uid not in uids


@pytest.mark.parametrize(
    "status",
    [Appointment.Status.CANCELLED, Appointment.Status.DECLINED, Appointment.Status.RESCHEDULED],
)
def test_the_feed_leaves_out_what_no_longer_takes_place(
    client: Client, clinician: Clinician, status: Appointment.Status
) -> None:
    gone = appointment_make(start=_soon(3), status=status)

    body = client.get(_feed_path(clinician)).content.decode()

    assert gone.ical_uid not in body


def test_the_feed_shows_only_its_own_clinicians_appointments(
    client: Client, clinician: Clinician
) -> None:
    mine = appointment_make(start=_soon(3))
    colleague = Clinician.objects.create(
        name="Rowan Ashby", slug="rowan-ashby", credentials="LMHC", license_number="1", bio="."
    )

    assert mine.ical_uid in client.get(_feed_path(clinician)).content.decode()
    assert mine.ical_uid not in client.get(_feed_path(colleague)).content.decode()


@pytest.mark.parametrize(
    "token",
    ["wrong", "x" * 43, ""],
)
def test_the_feed_is_not_found_for_a_wrong_token(
    client: Client, clinician: Clinician, token: str
) -> None:
    appointment_make(start=_soon(3))

    assert client.get(f"/calendar/{token}.ics").status_code == 404


def test_a_replaced_token_stops_working_and_the_new_one_works(
    client: Client, clinician: Clinician
) -> None:
    old_path = _feed_path(clinician)

    clinician.calendar_token_replace()

    assert client.get(old_path).status_code == 404
    assert client.get(_feed_path(clinician)).status_code == 200


def test_the_feed_url_is_absolute_and_carries_the_token(clinician: Clinician) -> None:
    request = RequestFactory().get("/office/", HTTP_HOST="localhost")

    url = clinician_feed_url(request, clinician)

    assert url == f"http://localhost/calendar/{clinician.calendar_token}.ics"


def test_ical_js_places_feed_events_right_across_the_spring_change(
    clinician: Clinician, tmp_path: Path
) -> None:
    before = appointment_make(start=new_york("2027-03-12 10:00"))
    after = appointment_make(start=new_york("2027-03-15 10:00"))
    now = dt.datetime(2027, 3, 1, tzinfo=dt.UTC)

    parsed = _parse(tmp_path, clinician_feed_ics([before, after], tz=clinician.tz(), now=now))

    events = parsed["events"]
    assert [(e["start"], e["end"]) for e in events] == [
        ("2027-03-12T15:00:00Z", "2027-03-12T15:50:00Z"),
        ("2027-03-15T14:00:00Z", "2027-03-15T14:50:00Z"),
    ]


def test_an_empty_feed_is_still_a_calendar(
    client: Client, clinician: Clinician, tmp_path: Path
) -> None:
    parsed = _parse(tmp_path, client.get(_feed_path(clinician)).content)

    assert parsed["events"] == []
    assert parsed["timezones"] == []

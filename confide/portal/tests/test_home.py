"""The portal's home page: the person's own appointments, in their zone, with their links."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.test import Client as Browser
from django.utils import timezone

from confide.portal.tests.helpers import client_make, person_of, portal_signed_in, session_make
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.usefixtures("demo")


def _home(browser: Browser) -> str:
    response = browser.get("/portal/")
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _soon(days: float) -> dt.datetime:
    return timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=days)


def test_each_partner_of_a_couple_sees_the_joint_appointments() -> None:
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    joint = session_make(couple, start=_soon(3))

    for index in (0, 1):
        page = _home(portal_signed_in(person_of(couple, index)))
        assert joint.manage_token() in page


def test_a_person_never_sees_another_clients_appointments() -> None:
    mine = client_make(("Avery Example", "avery@example.org"))
    theirs = client_make(("Blair Example", "blair@example.org"))
    own = session_make(mine, start=_soon(2))
    other = session_make(theirs, start=_soon(4))
    past_other = session_make(theirs, start=_soon(-7))

    page = _home(portal_signed_in(person_of(mine)))

    assert own.manage_token() in page
    assert other.manage_token() not in page
    assert past_other.manage_token() not in page
    assert "Blair" not in page


def test_times_are_shown_in_the_persons_own_zone() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    person = person_of(client)
    person.time_zone = "America/Los_Angeles"
    person.save(update_fields=["time_zone"])
    start = dt.datetime(2031, 3, 4, 17, 0, tzinfo=dt.UTC)
    session_make(client, start=start)

    page = _home(portal_signed_in(person))

    # 17:00 UTC is 9:00 AM in Los Angeles in March before daylight saving starts.
    assert "Tuesday, March 4, 9:00 AM" in page
    assert "Los Angeles" in page or "Pacific" in page


def test_the_join_link_shows_only_while_the_room_is_open() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    open_now = session_make(client, start=timezone.now() - dt.timedelta(minutes=5))
    Appointment.objects.filter(pk=open_now.pk).update(video_room_url="https://video.example.org/r")
    later = session_make(client, start=_soon(5))
    browser = portal_signed_in(person_of(client))

    page = _home(browser)

    assert f"/appointment/{open_now.manage_token()}/join" in page
    assert f"/appointment/{later.manage_token()}/join" not in page
    assert "The link to join appears here 15 minutes before the start." in page


def test_each_upcoming_appointment_offers_a_calendar_file_and_a_way_to_change_it() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    upcoming = session_make(client, start=_soon(3))
    browser = portal_signed_in(person_of(client))

    page = _home(browser)
    token = upcoming.manage_token()

    assert f"/appointment/{token}/calendar.ics" in page
    assert f"/portal/appointments/{token}/" in page
    calendar = browser.get(f"/appointment/{token}/calendar.ics")
    assert calendar.status_code == 200
    assert b"SUMMARY:Appointment" in calendar.content


def test_past_and_cancelled_appointments_are_listed_apart() -> None:
    client = client_make(("Avery Example", "avery@example.org"))
    session_make(client, start=_soon(-14))
    cancelled = session_make(client, start=_soon(6))
    Appointment.objects.filter(pk=cancelled.pk).update(status=Appointment.Status.CANCELLED)

    page = _home(portal_signed_in(person_of(client)))

    assert "Nothing is booked right now." in page
    assert page.count("<li>") >= 1
    assert cancelled.manage_token() not in page

"""Cancelling and moving an appointment in the portal, within the practice's online rules."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from confide.clients.models import Person
from confide.portal.tests.helpers import client_make, person_of, portal_signed_in, session_make
from confide.practice.models import Practice
from confide.scheduling.models import Appointment

pytestmark = pytest.mark.usefixtures("demo")


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def _in_days(days: int) -> dt.datetime:
    return timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=days)


@pytest.fixture
def avery() -> Person:
    return person_of(client_make(("Avery Example", "avery@example.org")))


def test_a_person_cancels_their_appointment_after_confirming(avery: Person) -> None:
    appointment = session_make(avery.client, start=_in_days(6))
    browser = portal_signed_in(avery)
    token = appointment.manage_token()

    asked = browser.get(reverse("portal:appointment_cancel", args=[token]))
    assert "Cancel this appointment?" in _text(asked)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED

    response = browser.post(reverse("portal:appointment_cancel", args=[token]), follow=True)

    assert "Your appointment is cancelled." in _text(response)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.outcome == Appointment.Outcome.CANCELLED_BY_CLIENT


def test_inside_the_cancellation_window_it_says_to_call(avery: Person) -> None:
    hours = Practice.load().cancellation_window_hours
    appointment = session_make(
        avery.client, start=timezone.now().replace(microsecond=0) + dt.timedelta(hours=hours - 1)
    )
    browser = portal_signed_in(avery)
    token = appointment.manage_token()

    page = _text(browser.get(reverse("portal:appointment", args=[token])))
    response = browser.post(reverse("portal:appointment_cancel", args=[token]))

    assert "too close to change online" in page
    assert "Move to another time" not in page
    assert response.status_code == 409
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_a_person_moves_their_appointment_to_an_open_time(avery: Person) -> None:
    appointment = session_make(avery.client, start=_in_days(6))
    browser = portal_signed_in(avery)
    token = appointment.manage_token()
    move = reverse("portal:appointment_move", args=[token])
    times = []
    for week in range(4):
        page = _text(browser.get(f"{move}?week={week}"))
        times = re.findall(r'name="start" value="([^"]+)"', page)
        if times:
            break
    assert times, "the demo clinician has open times"

    confirm = browser.post(move, {"start": times[0]})
    assert "Nothing changes until you confirm." in _text(confirm)
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.CONFIRMED
    done = browser.post(move, {"start": times[0], "confirm": "1"}, follow=True)

    assert "Your appointment has moved to the new time." in _text(done)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.RESCHEDULED
    new = appointment.rescheduled_to
    assert new is not None
    assert new.start == dt.datetime.fromisoformat(times[0])
    assert new.client_id == avery.client_id


def test_a_time_that_is_not_open_is_refused_next_to_the_times(avery: Person) -> None:
    appointment = session_make(avery.client, start=_in_days(6))
    browser = portal_signed_in(avery)
    move = reverse("portal:appointment_move", args=[appointment.manage_token()])
    # Three in the morning is outside anyone's hours.
    night = _in_days(8).replace(hour=3, minute=0).isoformat()

    response = browser.post(move, {"start": night, "confirm": "1"})

    assert response.status_code == 409
    assert 'class="error-summary"' in _text(response)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_either_partner_may_change_a_joint_appointment() -> None:
    couple = client_make(("Dana Example", "dana@example.org"), ("Kai Example", "kai@example.org"))
    appointment = session_make(couple, start=_in_days(6))

    browser = portal_signed_in(person_of(couple, 1))
    browser.post(reverse("portal:appointment_cancel", args=[appointment.manage_token()]))

    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


@pytest.mark.parametrize("name", ["appointment", "appointment_cancel", "appointment_move"])
def test_another_clients_appointment_is_not_found(avery: Person, name: str) -> None:
    theirs = client_make(("Blair Example", "blair@example.org"))
    other = session_make(theirs, start=_in_days(6))
    browser = portal_signed_in(avery)
    url = reverse(f"portal:{name}", args=[other.manage_token()])

    assert browser.get(url).status_code == 404
    assert browser.post(url, {"start": other.start.isoformat(), "confirm": "1"}).status_code in (
        404,
        405,
    )
    other.refresh_from_db()
    assert other.status == Appointment.Status.CONFIRMED


def test_a_made_up_token_is_not_found(avery: Person) -> None:
    browser = portal_signed_in(avery)

    assert browser.get(reverse("portal:appointment", args=["made-up"])).status_code == 404


def test_appointment_pages_need_a_portal_sign_in(avery: Person) -> None:
    appointment = session_make(avery.client, start=_in_days(6))
    url = reverse("portal:appointment_cancel", args=[appointment.manage_token()])

    response = Browser().post(url)

    assert response["Location"].startswith("/portal/sign-in/")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED

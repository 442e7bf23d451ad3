"""The list of requests: when each was sent, its appointment's time and state, nothing stale."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient

from confide.clients.models import ConsultationRequest
from confide.office.tests.factories import demo_clinician, request_for, therapist_user, utc
from confide.scheduling.models import Appointment, AppointmentType

SignIn = Callable[..., HttpClient]


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


def _sent(consultation: ConsultationRequest, when: dt.datetime) -> ConsultationRequest:
    ConsultationRequest.objects.filter(pk=consultation.pk).update(created_at=when)
    consultation.refresh_from_db()
    return consultation


def _booked(consultation: ConsultationRequest, start: dt.datetime, status: str) -> Appointment:
    kind = AppointmentType.objects.get(clinician=consultation.clinician, slug="consultation")
    appointment = Appointment(
        clinician=consultation.clinician,
        appointment_type=kind,
        format=Appointment.Format.PHONE,
        start=start,
        end=start + kind.duration,
        consultation=consultation,
        status=status,
    )
    appointment.save()
    return appointment


def _item(html: str, name: str) -> str:
    found = [i for i in re.findall(r"<li class=\"request[^>]*>.*?</li>", html, re.S) if name in i]
    assert len(found) == 1, name
    return " ".join(re.sub(r"<[^>]+>", " ", found[0]).split())


def test_each_request_says_when_it_was_sent_in_the_practices_zone(
    signed_in: SignIn, therapist: User
) -> None:
    # 01:30 UTC on March 16 is still the evening of March 15 in New York.
    _sent(request_for(demo_clinician(), name="Robin"), utc("2027-03-16 01:30"))

    item = _item(signed_in(therapist).get("/office/requests/").content.decode(), "Robin")

    assert "Sent Mar 15, 9:30 PM" in item


def test_a_request_shows_its_appointments_time_and_state(
    signed_in: SignIn, therapist: User
) -> None:
    robin = _sent(request_for(demo_clinician(), name="Robin"), utc("2027-03-10 15:00"))
    _booked(robin, utc("2027-03-16 14:00"), Appointment.Status.REQUESTED)

    item = _item(signed_in(therapist).get("/office/requests/").content.decode(), "Robin")

    assert "Sent Mar 10, 10:00 AM" in item
    assert "Consultation Tue, Mar 16, 10:00 AM, waiting for confirmation" in item
    assert "New" in item


def test_a_request_whose_appointment_was_cancelled_no_longer_looks_new(
    signed_in: SignIn, therapist: User
) -> None:
    robin = request_for(demo_clinician(), name="Robin")
    _booked(robin, utc("2027-03-16 14:00"), Appointment.Status.CANCELLED)

    html = signed_in(therapist).get("/office/requests/").content.decode()
    item = _item(html, "Robin")

    assert "Cancelled" in item
    assert "New" not in item
    assert re.search(r'<li class="request[^"]*request--cancelled', html)


def test_a_closed_request_says_closed_not_new(signed_in: SignIn, therapist: User) -> None:
    request_for(demo_clinician(), name="Robin", status="closed")

    item = _item(
        signed_in(therapist).get("/office/requests/?show=closed").content.decode(), "Robin"
    )

    assert "Closed" in item
    assert "New" not in item


def test_a_new_request_without_an_appointment_is_marked_new(
    signed_in: SignIn, therapist: User
) -> None:
    request_for(demo_clinician(), name="Robin")

    item = _item(signed_in(therapist).get("/office/requests/").content.decode(), "Robin")

    assert "New" in item
    assert "Consultation" not in item

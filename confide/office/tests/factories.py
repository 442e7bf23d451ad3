"""Helpers shared by the office's schedule and request tests (plain functions, no tests here)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User

from confide.accounts.models import StaffProfile
from confide.accounts.testing import staff_user_create
from confide.clients.models import Client, ConsultationRequest
from confide.clients.services import PersonDetails, client_create
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType


def clinician_of(user: User) -> Clinician:
    """Return the clinician a staff user is linked to (the fixture's colleague is)."""
    clinician = StaffProfile.objects.get(user=user).clinician
    assert clinician is not None
    return clinician


def demo_clinician() -> Clinician:
    return Clinician.objects.get(slug="hannah-brenner")


def therapist_user() -> User:
    """A clinician account for the demo clinician (the demo owner is not limited to one)."""
    profile = StaffProfile.objects.filter(clinician=demo_clinician()).first()
    if profile is not None and profile.role == StaffProfile.Role.CLINICIAN:
        return profile.user
    if profile is not None:
        # The demo owner is linked to the demo clinician; a clinician account needs the link.
        profile.clinician = None
        profile.save(update_fields=["clinician"])
    return staff_user_create("hannah", role=StaffProfile.Role.CLINICIAN, clinician=demo_clinician())


def client_of(clinician: Clinician, name: str = "Sam R.", **kwargs: object) -> Client:
    return client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[PersonDetails(name=name, email="sam@example.org", may_email=True)],
        display_name=name,
        clinician_id=clinician.pk,
        actor=AnonymousUser(),
        request=None,
        **kwargs,  # type: ignore[arg-type]
    )


def session_type(clinician: Clinician) -> AppointmentType:
    return AppointmentType.objects.get(clinician=clinician, slug="individual")


def book(client: Client, start: dt.datetime, **kwargs: object) -> Appointment:
    kind = session_type(client.clinician)
    appointment = Appointment(
        clinician=client.clinician,
        appointment_type=kind,
        format=Appointment.Format.VIDEO,
        start=start,
        end=start + kind.duration,
        client=client,
        **kwargs,
    )
    appointment.save()
    return appointment


def request_for(clinician: Clinician, name: str = "Robin", **kwargs: object) -> ConsultationRequest:
    values: dict[str, object] = {
        "clinician": clinician,
        "name": name,
        "phone": "212-555-0142",
        "may_call": True,
        "voicemail_ok": False,
        "may_name_practice": False,
        "safe_times": "weekdays after 6 pm",
        **kwargs,
    }
    return ConsultationRequest.objects.create(**values)


def utc(text: str) -> dt.datetime:
    """Parse '2027-03-15 14:00' as a UTC instant."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)

"""Fixtures of the scheduling tests: the demo clinician, their types, a person's details."""

from __future__ import annotations

import datetime as dt

import pytest

from confide.practice.models import Clinician
from confide.scheduling.models import AppointmentType
from confide.scheduling.requests import ContactDetails


@pytest.fixture
def clinician(demo: None) -> Clinician:
    return Clinician.objects.get(slug="hannah-brenner")


@pytest.fixture
def consultation(clinician: Clinician) -> AppointmentType:
    return AppointmentType.objects.get(clinician=clinician, slug="consultation")


@pytest.fixture
def first_session(clinician: Clinician) -> AppointmentType:
    return AppointmentType.objects.get(clinician=clinician, slug="first-session")


@pytest.fixture
def contact() -> ContactDetails:
    # A number too: an appointment by phone needs one.
    return ContactDetails(name="Sam", email="sam@example.org", phone="212 555 0101", may_email=True)


def utc(text: str) -> dt.datetime:
    """Parse '2027-03-15 14:00' as a UTC instant."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)

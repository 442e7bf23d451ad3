"""Fixtures of the intake tests: the demo practice and its documents, an individual, a couple."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from confide.clients.models import Client, Person
from confide.clients.services import PersonDetails, client_create
from confide.practice.models import Clinician

NOW = dt.datetime(2026, 11, 30, 17, 5, tzinfo=dt.UTC)


@pytest.fixture
def clinician(demo: None) -> Clinician:
    return Clinician.objects.get(slug="hannah-brenner")


@pytest.fixture
def individual(clinician: Clinician) -> Client:
    return client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[PersonDetails(name="Sam Rivera", email="sam@example.org", may_email=True)],
        display_name="Sam R.",
        clinician_id=clinician.pk,
        actor=AnonymousUser(),
        request=None,
    )


@pytest.fixture
def person(individual: Client) -> Person:
    return individual.people.get()


@pytest.fixture
def couple(clinician: Clinician) -> Client:
    return client_create(
        kind=Client.Kind.COUPLE,
        people=[
            PersonDetails(name="Alex Moreno", email="alex@example.org", may_email=True),
            PersonDetails(name="Jordan Moreno", email="jordan@example.org", may_email=True),
        ],
        display_name="Alex and Jordan",
        clinician_id=clinician.pk,
        actor=AnonymousUser(),
        request=None,
    )

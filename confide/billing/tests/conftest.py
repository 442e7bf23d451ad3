"""Fixtures of the billing tests: billing on, the demo clinician's fees, a client, sessions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User

from confide.billing.models import BillingSettings, ClinicianBilling, Fee, FeePolicy, Service
from confide.clients.models import Client
from confide.clients.services import PersonDetails, client_create
from confide.office.tests.factories import therapist_user
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment

# A fictional NPI with a valid check digit (the example CMS documents use).
NPI = "1234567893"


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def clinician(demo: None) -> Clinician:
    return Clinician.objects.get(slug="hannah-brenner")


@pytest.fixture
def therapist(clinician: Clinician) -> User:
    return therapist_user()


@pytest.fixture
def billing(clinician: Clinician) -> BillingSettings:
    """Billing on: fees of $180 (individual), $250 (assessment), $220 (couples), a $75 no-show."""
    settings = BillingSettings(
        enabled=True,
        tax_id="12-3456789",
        late_cancel_policy=FeePolicy.FULL,
        no_show_policy=FeePolicy.FLAT,
        no_show_cents=7500,
        statement_note="Pay by check or bank transfer.",
    )
    settings.save()
    ClinicianBilling.objects.create(clinician=clinician, npi=NPI)
    start = dt.date(2020, 1, 1)
    for service, cents in (
        (Service.INDIVIDUAL, 18000),
        (Service.ASSESSMENT, 25000),
        (Service.COUPLES_WITH_CLIENT, 22000),
        (Service.COUPLES_WITHOUT_CLIENT, 22000),
        (Service.CRISIS, 30000),
    ):
        Fee.objects.create(
            clinician=clinician, service=service, amount_cents=cents, starts_on=start
        )
    return settings


def client_named(clinician: Clinician, *names: str) -> Client:
    return client_create(
        kind=Client.Kind.COUPLE if len(names) > 1 else Client.Kind.INDIVIDUAL,
        people=[PersonDetails(name=name, email=f"{name.lower()}@example.org") for name in names],
        display_name=" & ".join(names),
        clinician_id=clinician.pk,
        actor=AnonymousUser(),
        request=None,
    )


@pytest.fixture
def sam(clinician: Clinician) -> Client:
    return client_named(clinician, "Sam")


def session(
    client: Client, start: dt.datetime, *, slug: str = "individual", **values: Any
) -> Appointment:
    kind = client.clinician.appointment_types.get(slug=slug)
    values.setdefault("format", Appointment.Format.VIDEO)
    appointment = Appointment(
        clinician=client.clinician,
        appointment_type=kind,
        start=start,
        end=start + kind.duration,
        client=client,
        **values,
    )
    appointment.save()
    return appointment

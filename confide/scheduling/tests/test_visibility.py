"""Who sees which appointments, the helper that fetches one, and the admin's list of them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client as Browser

from confide.accounts.sessions import AnyUser
from confide.accounts.testing import authenticator_activate, sign_in
from confide.clients.models import ConsultationRequest
from confide.clients.tests.factories import clinician_of, people_of_every_kind
from confide.practice.models import Clinician
from confide.scheduling.access import appointment_for, request_for
from confide.scheduling.models import Appointment, AppointmentType

pytestmark = pytest.mark.django_db

START = dt.datetime(2027, 3, 15, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(db: None) -> dict[str, AnyUser]:
    return people_of_every_kind()


def _appointment(clinician: Clinician) -> Appointment:
    kind = AppointmentType.objects.create(
        clinician=clinician, name="Individual session", slug="individual", duration_minutes=50
    )
    return Appointment.objects.create(
        clinician=clinician,
        appointment_type=kind,
        format=Appointment.Format.VIDEO,
        start=START,
        end=START + kind.duration,
    )


@pytest.fixture
def appointments(people: dict[str, AnyUser]) -> dict[str, Appointment]:
    return {
        f"{who}'s": _appointment(clinician_of(people[who])) for who in ("clinician", "colleague")
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", {"clinician's", "colleague's"}),
        ("clinician", {"clinician's"}),
        ("colleague", {"colleague's"}),
        ("manager", {"clinician's", "colleague's"}),
        ("stranger", set()),
        ("retired", set()),
        ("anonymous", set()),
    ],
)
def test_appointments_show_to_their_clinician_and_the_whole_practice_staff(
    people: dict[str, AnyUser], appointments: dict[str, Appointment], who: str, expected: set[str]
) -> None:
    pks = set(Appointment.objects.visible_to(people[who]).values_list("pk", flat=True))
    assert {name for name, a in appointments.items() if a.pk in pks} == expected


def test_visible_to_narrows_the_active_appointments_too(
    people: dict[str, AnyUser], appointments: dict[str, Appointment]
) -> None:
    cancelled = appointments["clinician's"]
    cancelled.status = Appointment.Status.CANCELLED
    cancelled.save()

    assert not Appointment.objects.active().visible_to(people["clinician"]).exists()
    assert Appointment.objects.active().visible_to(people["owner"]).count() == 1


def _outcome(find: Callable[[], object]) -> str:
    try:
        find()
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    return "found"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", "found"),
        ("clinician", "found"),
        ("colleague", "404"),
        ("manager", "found"),
        ("stranger", "404"),
        ("anonymous", "404"),
    ],
)
def test_appointment_and_request_helpers_find_their_own_and_hide_a_colleagues(
    people: dict[str, AnyUser], appointments: dict[str, Appointment], who: str, expected: str
) -> None:
    appointment = appointments["clinician's"]
    request = ConsultationRequest.objects.create(
        clinician=appointment.clinician, name="Quinn", email="quinn@example.org"
    )

    assert _outcome(lambda: appointment_for(people[who], appointment.pk)) == expected
    assert _outcome(lambda: request_for(people[who], request.uid)) == expected


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_the_admin_lists_every_clinicians_appointments_to_the_owner_and_the_manager(
    people: dict[str, AnyUser], appointments: dict[str, Appointment], who: str
) -> None:
    user = people[who]
    assert isinstance(user, User)
    authenticator_activate(user)

    response = sign_in(Browser(), user).get("/office/admin/scheduling/appointment/")

    assert response.status_code == 200
    listed = {a.pk for a in response.context["cl"].result_list}
    assert listed == {a.pk for a in appointments.values()}

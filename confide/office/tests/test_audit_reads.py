"""Every opening of a client's data names the exact record it opened, in every door."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client as HttpClient

from confide.audit.models import AuditEvent
from confide.clients import services
from confide.clients.models import Client, ClinicalNote
from confide.clients.services import PersonDetails
from confide.office.tests.factories import (
    book,
    client_of,
    demo_clinician,
    request_for,
    utc,
)

pytestmark = pytest.mark.django_db

SignIn = Callable[..., HttpClient]


@pytest.fixture
def client_record(demo: None, owner: User) -> Client:
    return services.client_create(
        kind=Client.Kind.INDIVIDUAL,
        people=[PersonDetails(name="Noor", phone="(212) 555-0131", emergency_name="Bo")],
        display_name="",
        clinician_id=demo_clinician().pk,
        actor=owner,
        request=None,
    )


def _views() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.VIEW))


def test_opening_a_note_records_which_note(
    signed_in: SignIn, owner: User, client_record: Client
) -> None:
    note = services.note_create(
        client=client_record, kind="progress", template="dap",
        sections={"data": "Arrived early."}, author=owner, request=None,
    )  # fmt: skip

    assert signed_in(owner).get(f"/office/notes/{note.uid}/").status_code == 200

    [event] = _views()
    assert (event.target_type, event.target_uid) == ("clinicalnote", note.uid)
    assert event.client_uid == client_record.uid
    assert ClinicalNote.objects.get().uid == note.uid


def test_opening_a_persons_contact_details_is_recorded(
    signed_in: SignIn, owner: User, client_record: Client
) -> None:
    person = client_record.people.get()

    page = signed_in(owner).get(f"/office/clients/{client_record.uid}/people/{person.pk}/")

    assert page.status_code == 200
    assert "555-0131" in page.content.decode()
    [event] = _views()
    assert event.client_uid == client_record.uid
    assert f"person {person.pk}" in event.summary


def test_opening_a_request_in_the_admin_is_recorded(
    demo: None, signed_in: SignIn, owner: User
) -> None:
    consultation = request_for(demo_clinician())
    consultation.note = "Hard to say out loud."
    consultation.save()

    page = signed_in(owner).get(
        f"/office/admin/clients/consultationrequest/{consultation.pk}/change/"
    )

    assert page.status_code == 200
    assert "Hard to say out loud." in page.content.decode()
    [event] = _views()
    assert (event.target_type, event.target_uid) == ("consultationrequest", consultation.uid)
    assert "admin" in event.summary


def test_the_admins_list_of_requests_records_no_opening(
    demo: None, signed_in: SignIn, owner: User
) -> None:
    request_for(demo_clinician())

    assert signed_in(owner).get("/office/admin/clients/consultationrequest/").status_code == 200

    assert _views() == []


def test_opening_a_clients_appointment_in_the_admin_is_recorded(
    demo: None, signed_in: SignIn, owner: User
) -> None:
    client = client_of(demo_clinician())
    appointment = book(client, utc("2027-03-15T14:00"))

    page = signed_in(owner).get(f"/office/admin/scheduling/appointment/{appointment.pk}/change/")

    assert page.status_code == 200
    [event] = _views()
    assert (event.target_type, event.target_uid) == ("client", client.uid)
    assert event.client_uid == client.uid
    assert "admin" in event.summary

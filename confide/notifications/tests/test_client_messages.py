"""Messages about client sessions: each partner hears alone; no notice of your own changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django_tasks_db.models import DBTaskResult

from confide.clients import services as client_services
from confide.clients.models import Client
from confide.clients.services import PersonDetails
from confide.notifications.events import Audience, Event
from confide.notifications.models import SentMessage
from confide.notifications.services import appointment_notify
from confide.notifications.tasks import send_appointment_message
from confide.notifications.tests.factories import message_task_run
from confide.practice.models import Clinician
from confide.scheduling.booking import appointment_create
from confide.scheduling.models import AppointmentType

pytestmark = pytest.mark.django_db
START = dt.datetime(2027, 3, 16, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def couple(demo: None) -> Client:
    return client_services.client_create(
        kind=Client.Kind.COUPLE,
        people=[
            PersonDetails(name="Sam", email="sam@example.org"),
            PersonDetails(name="Lee", email="lee@example.org"),
        ],
        display_name="",
        clinician_id=Clinician.objects.get().pk,
        actor=User.objects.get(username="therapist"),
        request=None,
    )


def _queued() -> list[tuple[int, str, str]]:
    return [tuple(r.args_kwargs["args"]) for r in DBTaskResult.objects.all()]


def test_a_session_booked_in_the_office_tells_the_people_but_not_the_clinician(
    couple: Client,
) -> None:
    appointment = appointment_create(
        client=couple,
        appointment_type=AppointmentType.objects.get(slug="couples"),
        format="video",
        start=START,
        actor=User.objects.get(username="therapist"),
        request=None,
    )
    assert _queued() == [(appointment.pk, "booked", "person")]


def test_each_partner_gets_their_own_message(couple: Client) -> None:
    appointment = appointment_create(
        client=couple,
        appointment_type=AppointmentType.objects.get(slug="couples"),
        format="video",
        start=START,
        actor=User.objects.get(username="therapist"),
        request=None,
    )
    mail.outbox.clear()
    assert message_task_run(appointment.pk, Event.BOOKED.value, Audience.PERSON.value) == "sent"
    assert sorted(m.to[0] for m in mail.outbox) == ["lee@example.org", "sam@example.org"]
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert all("Sam" not in m.body and "Lee" not in m.body for m in mail.outbox)


def test_each_partner_gets_a_message_id_of_their_own_kept_on_a_second_attempt(
    couple: Client,
) -> None:
    appointment = appointment_create(
        client=couple,
        appointment_type=AppointmentType.objects.get(slug="couples"),
        format="video",
        start=START,
        actor=User.objects.get(username="therapist"),
        request=None,
    )
    mail.outbox.clear()
    task = send_appointment_message.enqueue(
        appointment.pk, Event.BOOKED.value, Audience.PERSON.value
    )
    message_task_run(appointment.pk, Event.BOOKED.value, Audience.PERSON.value, task=task)
    first = {m.to[0]: m.extra_headers["Message-ID"] for m in mail.outbox}
    # As a worker killed before the mark leaves it; the sweeper gives its task back.
    SentMessage.objects.update(status=SentMessage.Status.SENDING)
    mail.outbox.clear()

    outcome = message_task_run(appointment.pk, Event.BOOKED.value, Audience.PERSON.value, task=task)

    assert outcome == "sent again after a worker stopped"
    assert {m.to[0]: m.extra_headers["Message-ID"] for m in mail.outbox} == first
    assert len(set(first.values())) == 2


def test_a_change_the_person_made_still_tells_the_clinician(couple: Client) -> None:
    appointment = appointment_create(
        client=couple,
        appointment_type=AppointmentType.objects.get(slug="couples"),
        format="video",
        start=START,
        actor=User.objects.get(username="therapist"),
        request=None,
    )
    DBTaskResult.objects.all().delete()
    appointment_notify(appointment=appointment, event=Event.CANCELLED)
    assert sorted(a for _, _, a in _queued()) == ["clinician", "person"]


def test_the_person_reads_times_in_their_own_zone_and_the_clinician_in_theirs(demo: None) -> None:
    from confide.notifications.emails import appointment_email
    from confide.notifications.tests.factories import appointment_make, new_york

    appointment = appointment_make(start=new_york("2027-03-16 10:00"))
    assert appointment.consultation is not None
    appointment.consultation.time_zone = "America/Los_Angeles"
    appointment.consultation.save()
    person = appointment_email(appointment, event=Event.BOOKED, audience=Audience.PERSON)
    clinician = appointment_email(appointment, event=Event.BOOKED, audience=Audience.CLINICIAN)
    assert person is not None
    assert clinician is not None
    assert person.subject == "Your appointment on Tue, Mar 16, 7:00 AM"
    assert "PDT" in str(person.body)
    assert "10:00 AM" in clinician.subject

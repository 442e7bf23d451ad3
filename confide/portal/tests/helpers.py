"""Run the portal's queued messages here, as the worker would; make people and sign them in."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.tasks import TaskContext, TaskResultStatus
from django.test import Client as Browser
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from confide.clients import services
from confide.clients.models import Client, Person
from confide.clients.services import PersonDetails
from confide.portal.access import PERSON, SEEN_AT, SIGNED_IN_AT
from confide.portal.models import PortalAccount
from confide.practice.models import Clinician
from confide.scheduling.models import Appointment, AppointmentType


def portal_signed_in(person: Person) -> Browser:
    """Return a test browser signed in to the portal as the person, with an account if need be."""
    PortalAccount.objects.get_or_create(person=person)
    browser = Browser()
    session = browser.session
    now = time.time()
    session.update({PERSON: person.pk, SIGNED_IN_AT: now, SEEN_AT: now})
    session.save()
    return browser


def portal_tasks_run() -> list[str]:
    """Run every waiting portal task once, in the order queued; return what each said."""
    said = []
    rows = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path__startswith="confide.portal.tasks."
    ).order_by("enqueued_at")
    for row in rows:
        task: Any = row.task
        outcome = task.func(TaskContext(task_result=row.task_result), *row.args_kwargs["args"])
        DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.SUCCESSFUL)
        said.append(outcome)
    return said


def client_make(
    *names_and_emails: tuple[str, str], phone: str = "", may_text: bool = False
) -> Client:
    """Return a client of the demo clinician: one person, or a couple for two."""
    clinician = Clinician.objects.get(slug="hannah-brenner")
    people = [
        PersonDetails(name=name, email=email, phone=phone, may_text=may_text, may_email=bool(email))
        for name, email in names_and_emails
    ]
    return services.client_create(
        kind=Client.Kind.COUPLE if len(people) == 2 else Client.Kind.INDIVIDUAL,
        people=people,
        display_name=" and ".join(p.name for p in people),
        clinician_id=clinician.pk,
        actor=AnonymousUser(),
        request=None,
        status=Client.Status.ACTIVE,
    )


def session_make(client: Client, *, start: dt.datetime | None = None) -> Appointment:
    """Return a confirmed video session of the client, by default in three days."""
    clinician = client.clinician
    kind = AppointmentType.objects.get(clinician=clinician, slug="individual")
    begins = start or (timezone.now() + dt.timedelta(days=3)).replace(microsecond=0)
    return Appointment.objects.create(
        clinician=clinician,
        appointment_type=kind,
        format=Appointment.Format.VIDEO,
        start=begins,
        end=begins + kind.duration,
        status=Appointment.Status.CONFIRMED,
        client=client,
    )


def person_of(client: Client, index: int = 0) -> Person:
    return list(client.people.order_by("order", "pk"))[index]

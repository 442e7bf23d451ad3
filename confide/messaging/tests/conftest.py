"""Fixtures of the message tests: an individual and a couple of the demo clinician, signed in."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.tasks import TaskContext, TaskResultStatus
from django.test import Client as Browser
from django_tasks_db.models import DBTaskResult

from confide.clients.models import Client, Person
from confide.portal.access import PERSON, SEEN_AT, SIGNED_IN_AT
from confide.portal.models import PortalAccount
from confide.portal.tests.helpers import client_make, person_of


@pytest.fixture
def individual(demo: None) -> Client:
    return client_make(("Sam Rivera", "sam@example.org"))


@pytest.fixture
def person(individual: Client) -> Person:
    found = person_of(individual)
    PortalAccount.objects.create(person=found)
    return found


@pytest.fixture
def couple(demo: None) -> Client:
    return client_make(("Alex Moreno", "alex@example.org"), ("Jordan Moreno", "jordan@example.org"))


@pytest.fixture
def partners(couple: Client) -> tuple[Person, Person]:
    first, second = person_of(couple, 0), person_of(couple, 1)
    for one in (first, second):
        PortalAccount.objects.create(person=one)
    return first, second


@pytest.fixture
def portal_browser() -> Callable[[Person], Browser]:
    """Return a test browser signed in to the portal as the person."""

    def make(person: Person) -> Browser:
        browser = Browser()
        session = browser.session
        now = time.time()
        session.update({PERSON: person.pk, SIGNED_IN_AT: now, SEEN_AT: now})
        session.save()
        return browser

    return make


def message_tasks() -> list[Any]:
    return list(
        DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path__startswith="confide.messaging.tasks."
        ).order_by("enqueued_at")
    )


def message_tasks_run() -> list[str]:
    """Run every waiting message task once, whatever its time; return what each said."""
    said = []
    for row in message_tasks():
        task: Any = row.task
        outcome = task.func(TaskContext(task_result=row.task_result), *row.args_kwargs["args"])
        DBTaskResult.objects.filter(pk=row.pk).update(status=TaskResultStatus.SUCCESSFUL)
        said.append(outcome)
    return said

"""Fixtures of the measures tests: the demo practice, an individual and a couple."""

from __future__ import annotations

import pytest

from confide.clients.models import Client, Person
from confide.portal.tests.helpers import client_make, person_of


@pytest.fixture
def individual(demo: None) -> Client:
    return client_make(("Sam Rivera", "sam@example.org"))


@pytest.fixture
def person(individual: Client) -> Person:
    return person_of(individual)


@pytest.fixture
def couple(demo: None) -> Client:
    return client_make(("Alex Moreno", "alex@example.org"), ("Jordan Moreno", "jordan@example.org"))

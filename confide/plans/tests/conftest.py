"""Fixtures of the plans tests: the demo practice, its clinician, an individual and a couple."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from confide.clients.models import Client
from confide.office.tests.factories import therapist_user
from confide.portal.tests.helpers import client_make


@pytest.fixture
def therapist(demo: None) -> User:
    return therapist_user()


@pytest.fixture
def individual(demo: None) -> Client:
    return client_make(("Sam Rivera", "sam@example.org"))


@pytest.fixture
def couple(demo: None) -> Client:
    return client_make(("Alex Moreno", "alex@example.org"), ("Jordan Moreno", "jordan@example.org"))

"""Fixtures shared by every test: the demo practice and staff of each kind."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings

from confide.practice.demo import demo_load


@pytest.fixture
def demo(db: None) -> None:
    """The fictional demo practice, as `make run` loads it."""
    demo_load(password="demo-password-for-tests")


@pytest.fixture
def owner(db: None) -> User:
    return User.objects.create_superuser("owner", "owner@example.org", "owner-password-123")


@pytest.fixture
def stranger(db: None) -> User:
    """A signed-up user with no staff rights at all."""
    return User.objects.create_user("stranger", "stranger@example.org", "stranger-password-123")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    """Argon2 is slow on purpose; tests that are not about hashing need not pay for it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

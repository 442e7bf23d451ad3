"""Fixtures shared by every test: the demo practice and staff of each kind.

Staff sign in cheaply: ``client.force_login(user)`` counts as a full sign-in, the second factor
included, for a user who has an authenticator (``owner``, ``colleague``, ``practice_manager``);
``confide.accounts.testing.sign_in(client, user, second_factor=False)`` leaves it undone. A real
password login through the test client must go through the sign-in page, as a browser would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.test import Client
from pytest_django.fixtures import Settings

from confide.accounts.models import StaffProfile
from confide.accounts.sessions import has_second_factor, second_factor_record
from confide.accounts.testing import authenticator_activate, sign_in, staff_user_create
from confide.demo.loading import demo_load
from confide.practice.models import Clinician


@pytest.fixture
def demo(db: None) -> None:
    """The fictional demo practice, as `make run` loads it."""
    demo_load(password="demo-password-for-tests")


@pytest.fixture
def owner(db: None) -> User:
    """The practice owner: a superuser with an authenticator app, seeing every client."""
    from confide.accounts.services import staff_role_assign

    user = User.objects.create_superuser("owner", "owner@example.org", "owner-password-123")
    staff_role_assign(user=user, role=StaffProfile.Role.OWNER)
    authenticator_activate(user)
    return user


@pytest.fixture
def colleague(db: None) -> User:
    """Another clinician of the practice: sees only their own clients, never the demo's."""
    other = Clinician.objects.create(
        name="Robin Ashdown",
        slug="robin-ashdown",
        credentials="LMHC",
        license_number="LMHC-555-0101",
        bio="A fictional colleague.",
        listed=False,
    )
    return staff_user_create("colleague", role=StaffProfile.Role.CLINICIAN, clinician=other)


@pytest.fixture
def practice_manager(db: None) -> User:
    """Runs the schedule and contact details; never sees clinical content."""
    return staff_user_create("manager", role=StaffProfile.Role.PRACTICE_MANAGER)


@pytest.fixture
def stranger(db: None) -> User:
    """A signed-up user with no staff rights at all."""
    return User.objects.create_user("stranger", "stranger@example.org", "stranger-password-123")


@pytest.fixture
def signed_in(db: None) -> Callable[..., Client]:
    """Return a new test client signed in as a user: ``signed_in(owner)``."""

    def make(user: User, *, second_factor: bool = True) -> Client:
        return sign_in(Client(), user, second_factor=second_factor)

    return make


@pytest.fixture(autouse=True)
def force_login_counts_the_second_factor() -> Iterator[None]:
    """Let ``client.force_login`` stand for a sign-in with password and second factor."""

    def finish(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
        # The test client's force_login signs in with a bare HttpRequest; real requests that
        # reach the sign-in views are WSGIRequests and go through the real second-factor step.
        if type(request) is HttpRequest and has_second_factor(user):
            second_factor_record(request, user, kind="totp")

    user_logged_in.connect(finish, dispatch_uid="tests_force_login_second_factor")
    yield
    user_logged_in.disconnect(dispatch_uid="tests_force_login_second_factor")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Settings) -> None:
    """Argon2 is slow on purpose; tests that are not about hashing need not pay for it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

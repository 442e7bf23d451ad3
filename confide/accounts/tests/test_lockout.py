"""Brute-force throttling by username and address together, with a cool-off and a clear page."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from confide.accounts.models import StaffProfile
from confide.accounts.testing import staff_user_create, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/office/account/login/"


@pytest.fixture
def therapist(db: None) -> User:
    return staff_user_create("therapist", role=StaffProfile.Role.OWNER, password="correct-horse-9")


def attempt(address: str, password: str, username: str = "therapist") -> int:
    client = Client(REMOTE_ADDR=address)
    return client.post(LOGIN, {"login": username, "password": password}).status_code


def test_it_pauses_after_five_wrong_passwords_from_one_address(therapist: User) -> None:
    statuses = [attempt("203.0.113.9", "wrong-guess") for _ in range(5)]
    assert statuses[:4] == [200, 200, 200, 200]
    assert statuses[4] == 429

    # Even the right password is refused from there during the pause.
    client = Client(REMOTE_ADDR="203.0.113.9")
    response = client.post(LOGIN, {"login": "therapist", "password": "correct-horse-9"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "paused for 15 minutes" in page
    assert "Attempts from other places are not affected" in page


def test_an_attacker_elsewhere_cannot_lock_the_therapist_out(therapist: User) -> None:
    for _ in range(10):
        attempt("198.51.100.66", "wrong-guess")

    # The therapist, from their own address, signs in as usual.
    client = Client(REMOTE_ADDR="192.0.2.10")
    response = client.post(LOGIN, {"login": "therapist", "password": "correct-horse-9"})
    assert response.status_code == 302
    client.post("/office/account/2fa/authenticate/", {"code": totp_code(therapist)})
    assert client.get("/office/").status_code == 200


def test_other_usernames_from_the_same_address_are_not_paused(therapist: User) -> None:
    staff_user_create("colleague2", role=StaffProfile.Role.OWNER, password="other-horse-9")
    for _ in range(5):
        attempt("203.0.113.9", "wrong-guess")
    assert attempt("203.0.113.9", "other-horse-9", username="colleague2") == 302


def test_the_username_is_counted_whatever_its_letter_case(therapist: User) -> None:
    for name in ["therapist", "Therapist", "THERAPIST", "TheRapist", "therapisT"]:
        attempt("203.0.113.9", "wrong-guess", username=name)
    assert attempt("203.0.113.9", "correct-horse-9") == 429


def test_the_pause_ends_after_the_cool_off(therapist: User) -> None:
    for _ in range(5):
        attempt("203.0.113.9", "wrong-guess")
    assert attempt("203.0.113.9", "correct-horse-9") == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))

    assert attempt("203.0.113.9", "correct-horse-9") == 302


def test_a_successful_sign_in_forgets_earlier_failures(therapist: User) -> None:
    for _ in range(4):
        attempt("203.0.113.9", "wrong-guess")
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.post(LOGIN, {"login": "therapist", "password": "correct-horse-9"})
    client.post("/office/account/2fa/authenticate/", {"code": totp_code(therapist)})
    assert client.get("/office/").status_code == 200

    assert attempt("203.0.113.9", "wrong-guess") == 200
    assert attempt("203.0.113.9", "wrong-guess") == 200

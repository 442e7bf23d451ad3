"""Behind a proxy, sign-in limits count each client's own address, never the proxy's."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from pytest_django.fixtures import Settings

from confide.accounts.models import StaffProfile
from confide.accounts.testing import staff_user_create
from e2e import servers
from e2e.concurrency.visitors import Response, Visitor

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN = "/office/account/login/"
MFA = "/office/account/2fa/authenticate/"
PASSWORD = "correct-horse-battery-9"
# allauth's count of failed sign-ins per address per minute (ACCOUNT_RATE_LIMITS).
FAILURES_PER_ADDRESS = 10
REFUSED = "Too many failed login attempts"


@pytest.fixture
def therapist(settings: Settings) -> User:
    # The server checks the password with the real hasher, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    return staff_user_create("therapist", role=StaffProfile.Role.OWNER, password=PASSWORD)


def _sign_in(base_url: str, forwarded_for: str, username: str, password: str) -> Response:
    """Send the password step as a browser behind the proxy would, with its form token."""
    visitor = Visitor(base_url, headers={"X-Forwarded-For": forwarded_for})
    assert visitor.get(LOGIN).status == 200
    return visitor.post(LOGIN, {"login": username, "password": password})


def _proxied(client: str, claimed: str = "") -> str:
    """Return X-Forwarded-For as the proxy passes it on: what the client claimed, then its peer."""
    return f"{claimed}, {client}" if claimed else client


@pytest.mark.usefixtures("therapist")
def test_wrong_passwords_elsewhere_do_not_refuse_the_therapist() -> None:
    env = servers.test_server_environment(TRUSTED_PROXY_COUNT="1")
    with servers.run_gunicorn(env=env, workers=2, threads=2) as base_url:
        # Ten guesses for made-up users, each from its own address (documentation ranges).
        for n in range(FAILURES_PER_ADDRESS):
            wrong = _sign_in(base_url, _proxied(f"198.51.100.{n + 1}"), f"nobody{n}", "guess")
            assert wrong.status == 200
            assert "correct" in wrong.body  # the form's own "not correct" message

        right = _sign_in(base_url, _proxied("203.0.113.50"), "therapist", PASSWORD)

    assert REFUSED not in right.body
    assert (right.status, right.location) == (302, MFA)


@pytest.mark.usefixtures("therapist")
def test_wrong_passwords_from_one_address_are_still_limited() -> None:
    env = servers.test_server_environment(TRUSTED_PROXY_COUNT="1")
    attacker = "192.0.2.10"
    with servers.run_gunicorn(env=env, workers=2, threads=2) as base_url:
        # Made-up addresses in front of the proxy's entry change nothing: only that one counts.
        for n in range(FAILURES_PER_ADDRESS):
            claimed = f"10.0.0.{n + 1}"
            wrong = _sign_in(base_url, _proxied(attacker, claimed), f"nobody{n}", "guess")
            assert wrong.status == 200
            assert REFUSED not in wrong.body

        refused = _sign_in(base_url, _proxied(attacker, "10.0.0.99"), "therapist", PASSWORD)
        elsewhere = _sign_in(base_url, _proxied("203.0.113.50"), "therapist", PASSWORD)

    assert refused.status == 200
    assert REFUSED in refused.body
    assert (elsewhere.status, elsewhere.location) == (302, MFA)

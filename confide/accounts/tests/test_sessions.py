"""Staff sessions: idle and absolute limits, and every session ended when a secret changes."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from confide.accounts.sessions import SEEN_AT, SIGNED_IN_AT
from confide.accounts.testing import sign_in

pytestmark = pytest.mark.django_db

LOGIN = "/office/account/login/"


def age(client: Client, *, signed_in: float | None = None, seen: float | None = None) -> None:
    session = client.session
    if signed_in is not None:
        session[SIGNED_IN_AT] = time.time() - signed_in
    if seen is not None:
        session[SEEN_AT] = time.time() - seen
    session.save()


def test_a_session_idle_for_15_minutes_ends(client: Client, owner: User) -> None:
    sign_in(client, owner)
    age(client, seen=15 * 60 + 5)

    response = client.get("/office/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    page = client.get(response["Location"]).content.decode()
    assert "15 minutes without activity" in page
    assert client.get("/office/").status_code == 302


def test_a_session_in_use_stays_open(client: Client, owner: User) -> None:
    sign_in(client, owner)
    age(client, seen=14 * 60)
    assert client.get("/office/").status_code == 200
    # Using it moved the clock on.
    assert time.time() - client.session[SEEN_AT] < 5


def test_a_session_ends_after_ten_hours_however_busy(client: Client, owner: User) -> None:
    sign_in(client, owner)
    age(client, signed_in=10 * 60 * 60 + 5, seen=1)
    assert client.get("/office/")["Location"].startswith(LOGIN)


def test_a_session_cookie_does_not_outlive_the_browser(client: Client, owner: User) -> None:
    from allauth.account.forms import LoginForm

    assert "remember" not in LoginForm().fields


def test_changing_the_password_ends_the_other_sessions(owner: User) -> None:
    laptop, phone = sign_in(Client(), owner), sign_in(Client(), owner)

    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": "owner-password-123",
            "password1": "a-new-long-password-5",
            "password2": "a-new-long-password-5",
        },
    )

    assert response.status_code == 302
    assert laptop.get("/office/").status_code == 200
    assert phone.get("/office/")["Location"].startswith(LOGIN)


@pytest.mark.django_db(transaction=True)
def test_removing_the_authenticator_ends_the_other_sessions(owner: User) -> None:
    laptop = sign_in(Client(), owner, fresh_password=True)
    phone = sign_in(Client(), owner)
    totp = Authenticator.objects.get(user=owner, type=Authenticator.Type.TOTP)

    response = laptop.post(reverse("mfa_deactivate_totp"), {"id": totp.pk})

    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=totp.pk).exists()
    ended = phone.get("/office/")
    assert ended.status_code == 302, ended.content.decode()[:3000]
    assert ended["Location"].startswith(LOGIN)
    assert "password or second factor changed" in phone.get(ended["Location"]).content.decode()
    # The laptop stays signed in, but without a second factor it may only set one up again.
    assert laptop.get("/office/")["Location"].startswith(reverse("mfa_index"))


def test_a_change_made_elsewhere_ends_every_session(owner: User) -> None:
    phone = sign_in(Client(), owner)
    owner.set_password("changed-by-the-owner-in-the-admin")
    owner.save()
    assert phone.get("/office/")["Location"].startswith(LOGIN)


def test_a_new_set_of_recovery_codes_ends_the_other_sessions(owner: User) -> None:
    from confide.accounts.allauth_internals import RecoveryCodes

    phone = sign_in(Client(), owner)
    codes = Authenticator.objects.get(user=owner, type=Authenticator.Type.RECOVERY_CODES)
    codes.delete()
    RecoveryCodes.activate(owner)
    assert phone.get("/office/")["Location"].startswith(LOGIN)


def test_public_pages_are_unaffected_by_an_ended_session(client: Client, owner: User) -> None:
    sign_in(client, owner)
    age(client, seen=16 * 60)
    assert client.get("/").status_code == 200
    # ...but the session is over all the same.
    assert client.get("/office/")["Location"].startswith(LOGIN)


def test_office_pages_are_never_cached(client: Client, owner: User) -> None:
    sign_in(client, owner)
    for path in ["/office/", "/office/admin/", LOGIN, reverse("mfa_index")]:
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control, path
        assert "private" in cache_control, path

"""Signing in to the office: password, then the second factor; no way around the second."""

from __future__ import annotations

import re
import time

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from confide.accounts.allauth_internals import format_hotp_value, hotp_value
from confide.accounts.models import StaffProfile
from confide.accounts.sessions import second_factor_done
from confide.accounts.testing import staff_user_create, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/office/account/login/"
MFA = "/office/account/2fa/authenticate/"


def password_step(client: Client, username: str, password: str, **extra: str) -> str:
    response = client.post(LOGIN, {"login": username, "password": password, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response["Location"])


@pytest.fixture
def therapist(db: None) -> User:
    return staff_user_create("therapist", role=StaffProfile.Role.OWNER, password="correct-horse-9")


def test_it_asks_for_the_code_after_the_password(client: Client, therapist: User) -> None:
    assert password_step(client, "therapist", "correct-horse-9") == MFA
    # Not signed in yet: the office still sends them to sign in.
    assert client.get("/office/")["Location"].startswith(LOGIN)

    response = client.post(MFA, {"code": totp_code(therapist)})

    assert response.status_code == 302
    assert response["Location"] == "/office/"
    assert client.get("/office/").status_code == 200


def test_it_keeps_the_address_asked_for_across_both_steps(client: Client, therapist: User) -> None:
    password_step(client, "therapist", "correct-horse-9", next="/office/admin/")
    response = client.post(MFA, {"code": totp_code(therapist)})
    assert response["Location"] == "/office/admin/"


def test_it_refuses_a_wrong_code(client: Client, therapist: User) -> None:
    password_step(client, "therapist", "correct-horse-9")
    wrong = f"{(int(totp_code(therapist)) + 1) % 1_000_000:06d}"

    response = client.post(MFA, {"code": wrong})

    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert client.get("/office/").status_code == 302


def test_each_code_works_only_once(therapist: User) -> None:
    code = totp_code(therapist)
    first, second = Client(), Client()
    password_step(first, "therapist", "correct-horse-9")
    assert first.post(MFA, {"code": code})["Location"] == "/office/"

    # Someone who saw the code (over a shoulder, on a phished page) cannot use it again.
    password_step(second, "therapist", "correct-horse-9")
    response = second.post(MFA, {"code": code})

    assert response.status_code == 200
    assert second.get("/office/").status_code == 302


def test_a_reused_code_says_it_was_used_and_to_wait_for_the_next(therapist: User) -> None:
    code = totp_code(therapist)
    first, second = Client(), Client()
    password_step(first, "therapist", "correct-horse-9")
    first.post(MFA, {"code": code})
    password_step(second, "therapist", "correct-horse-9")

    page = second.post(MFA, {"code": code}).content.decode()

    assert "This code was already used" in page
    assert "wait for the next one" in page
    assert "Incorrect code" not in page


def test_a_wrong_code_is_not_called_used(client: Client, therapist: User) -> None:
    password_step(client, "therapist", "correct-horse-9")
    wrong = f"{(int(totp_code(therapist)) + 1) % 1_000_000:06d}"

    page = client.post(MFA, {"code": wrong}).content.decode()

    assert "already used" not in page


def test_a_recovery_code_signs_in_once(client: Client, therapist: User) -> None:
    from allauth.mfa.models import Authenticator

    from confide.accounts.allauth_internals import RecoveryCodes

    codes = RecoveryCodes(
        Authenticator.objects.get(user=therapist, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    password_step(client, "therapist", "correct-horse-9")
    assert client.post(MFA, {"code": codes[0]})["Location"] == "/office/"

    again = Client()
    password_step(again, "therapist", "correct-horse-9")
    assert again.post(MFA, {"code": codes[0]}).status_code == 200


def test_there_is_no_public_sign_up(client: Client) -> None:
    response = client.post(
        reverse("account_signup"),
        {
            "username": "intruder",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert "closed" in response.content.decode().lower()
    assert not User.objects.filter(username="intruder").exists()


def test_the_sign_in_page_offers_no_sign_up(client: Client) -> None:
    page = client.get(LOGIN).content.decode()
    assert "sign up" not in page.lower()
    assert reverse("account_signup") not in page


def test_a_password_reset_still_asks_for_the_second_factor(client: Client, therapist: User) -> None:
    client.post(reverse("account_reset_password"), {"email": "therapist@example.org"})
    link = re.search(
        r"https?://[^/\s]+(/office/account/password/reset/key/\S+)", str(mail.outbox[-1].body)
    )
    assert link is not None
    form_url = client.get(link.group(1))["Location"]
    response = client.post(
        form_url, {"password1": "a-brand-new-password-7", "password2": "a-brand-new-password-7"}
    )
    assert response.status_code == 302
    # The reset signs nobody in...
    assert client.get("/office/").status_code == 302

    # ...and signing in with the new password still asks for the code.
    assert password_step(client, "therapist", "a-brand-new-password-7") == MFA
    assert client.get("/office/")["Location"].startswith(LOGIN)
    client.post(MFA, {"code": totp_code(therapist)})
    assert client.get("/office/").status_code == 200


# Transactional: allauth announces a new authenticator once its transaction commits.
@pytest.mark.django_db(transaction=True)
def test_someone_without_a_second_factor_is_sent_to_set_one_up(client: Client) -> None:
    staff_user_create(
        "newcomer", role=StaffProfile.Role.OWNER, password="correct-horse-9", second_factor=False
    )
    # No authenticator yet, so the password alone signs in, into the setup pages only.
    assert password_step(client, "newcomer", "correct-horse-9") == "/office/"
    response = client.get("/office/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_index"))
    assert client.get("/office/admin/")["Location"].startswith(reverse("mfa_index"))
    assert client.get(reverse("account_change_password"))["Location"].startswith(
        reverse("mfa_index")
    )
    assert client.get(reverse("mfa_index")).status_code == 200

    # Setting up the app (right after the password, so no second password prompt) opens it all.
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, int(time.time() // 30)))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert client.get("/office/").status_code == 200
    assert client.get("/office/admin/").status_code == 200
    assert second_factor_done_for(client)


def second_factor_done_for(client: Client) -> bool:
    records = client.session.get("account_authentication_methods", [])
    return any(r.get("method") == "mfa" for r in records)


def test_the_admin_sends_people_to_the_office_sign_in(client: Client) -> None:
    response = client.get("/office/admin/login/?next=/office/admin/practice/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/office/admin/practice/"


def test_the_admin_login_does_not_follow_a_foreign_next(client: Client) -> None:
    response = client.get("/office/admin/login/?next=https://elsewhere.example.org/")
    assert "elsewhere" not in response["Location"]


def test_the_admin_refuses_a_session_without_the_second_factor(client: Client, owner: User) -> None:
    from confide.accounts.testing import sign_in

    sign_in(client, owner, second_factor=False)
    response = client.get("/office/admin/")
    # The session has a second factor on file that it never proved: sign in again.
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_force_login_counts_as_a_full_sign_in_for_tests(client: Client, owner: User) -> None:
    client.force_login(owner)
    assert client.get("/office/admin/").status_code == 200


def test_second_factor_done_is_false_for_anonymous(rf: object) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert second_factor_done(request) is False


def test_sign_out_ends_the_session(client: Client, owner: User) -> None:
    client.force_login(owner)
    client.post(reverse("account_logout"))
    assert client.get("/office/").status_code == 302


@pytest.mark.parametrize(
    "name", ["mfa_index", "mfa_add_webauthn", "mfa_view_recovery_codes", "account_change_password"]
)
def test_the_security_settings_pages_open_for_a_signed_in_owner(
    client: Client, owner: User, name: str
) -> None:
    from confide.accounts.testing import sign_in

    sign_in(client, owner, fresh_password=True)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_security_settings_ask_for_the_password_again_after_five_minutes(
    client: Client, owner: User
) -> None:
    from confide.accounts.testing import sign_in

    sign_in(client, owner)
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))

"""The owner's hand on staff accounts: reset links, second factors, deactivation, no secrets."""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from io import StringIO
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client
from pytest_django.fixtures import Settings

from confide.accounts.adapters import mfa_secret_open
from confide.accounts.allauth_internals import RecoveryCodes
from confide.accounts.services import (
    StaffAdminError,
    staff_deactivate,
    staff_password_reset_send,
    staff_second_factor_remove,
    staff_uid,
)
from confide.accounts.testing import TEST_TOTP_SECRET, sign_in, totp_code
from confide.audit.models import AuditEvent
from confide.lib.crypto import DecryptionError, Keyring, key_id_of, new_key

pytestmark = pytest.mark.django_db

USERS = "/office/admin/auth/user/"
LOGIN = "/office/account/login/"


def user_page(user: User, rest: str = "change/") -> str:
    return f"{USERS}{user.pk}/{rest}"


def run_action(client: Client, action: str, *users: User) -> str:
    response = client.post(
        USERS, {"action": action, "_selected_action": [str(u.pk) for u in users]}, follow=True
    )
    assert response.status_code == 200
    return response.content.decode()


def staff_events(user: User) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="staff", target_uid=staff_uid(user))
        .order_by("pk")
        .values_list("summary", flat=True)
    )


# Second-factor secrets


def test_it_stores_second_factor_secrets_sealed(owner: User) -> None:
    totp = Authenticator.objects.get(user=owner, type=Authenticator.Type.TOTP)
    codes = Authenticator.objects.get(user=owner, type=Authenticator.Type.RECOVERY_CODES)

    assert TEST_TOTP_SECRET not in json.dumps(totp.data)
    assert totp.data["secret"].startswith("v1.")
    assert codes.data["seed"].startswith("v1.")
    assert mfa_secret_open(totp.data["secret"]) == TEST_TOTP_SECRET
    assert len(RecoveryCodes(codes).get_unused_codes()) == 10


def test_it_refuses_a_secret_stored_in_clear(owner: User) -> None:
    with pytest.raises(DecryptionError):
        mfa_secret_open(TEST_TOTP_SECRET)


def test_the_admin_never_shows_a_second_factor_secret(
    client: Client, owner: User, colleague: User
) -> None:
    sign_in(client, owner, fresh_password=True)
    rows = Authenticator.objects.filter(user=colleague)
    assert rows.count() == 2
    for row in rows:
        html = client.get(f"/office/admin/mfa/authenticator/{row.pk}/change/").content.decode()
        assert "colleague" in html
        for value in row.data.values():
            if isinstance(value, str):
                assert value not in html
        assert TEST_TOTP_SECRET not in html
        assert "seed" not in html
    listing = client.get("/office/admin/mfa/authenticator/").content.decode()
    assert "v1." not in listing


def test_the_admin_cannot_change_or_add_an_authenticator(
    client: Client, owner: User, colleague: User
) -> None:
    sign_in(client, owner, fresh_password=True)
    totp = Authenticator.objects.get(user=colleague, type=Authenticator.Type.TOTP)
    before = dict(totp.data)

    client.post(f"/office/admin/mfa/authenticator/{totp.pk}/change/", {"data": "{}"})

    totp.refresh_from_db()
    assert totp.data == before
    assert client.get("/office/admin/mfa/authenticator/add/").status_code == 403


def test_the_migration_seals_secrets_stored_in_clear_once(stranger: User) -> None:
    migration = importlib.import_module("confide.accounts.migrations.0004_seal_mfa_secrets")
    totp = Authenticator.objects.create(
        user=stranger, type=Authenticator.Type.TOTP, data={"secret": TEST_TOTP_SECRET}
    )
    codes = Authenticator.objects.create(
        user=stranger,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )

    migration.secrets_seal(apps, None)
    migration.secrets_seal(apps, None)  # Running again seals nothing twice.

    totp.refresh_from_db()
    codes.refresh_from_db()
    assert mfa_secret_open(totp.data["secret"]) == TEST_TOTP_SECRET
    assert mfa_secret_open(codes.data["seed"]) == "ab" * 40
    assert RecoveryCodes(codes).get_unused_codes() == ["12345678"]
    assert codes.data["used_mask"] == 0
    assert len(totp_code(stranger)) == 6

    migration.secrets_unseal(apps, None)
    totp.refresh_from_db()
    assert totp.data == {"secret": TEST_TOTP_SECRET}


# Passwords: never set by the owner


def test_the_owner_cannot_set_another_persons_password(
    client: Client, owner: User, colleague: User
) -> None:
    sign_in(client, owner, fresh_password=True)
    before = User.objects.get(pk=colleague.pk).password

    page = client.get(user_page(colleague, "password/"))
    sent = client.post(
        user_page(colleague, "password/"),
        {"password1": "owner-chose-this-1", "password2": "owner-chose-this-1"},
    )

    assert page.status_code == 403
    assert sent.status_code == 403
    assert User.objects.get(pk=colleague.pk).password == before


def test_the_change_form_has_no_password_link_or_editable_address(
    client: Client, owner: User, colleague: User
) -> None:
    sign_in(client, owner, fresh_password=True)
    html = client.get(user_page(colleague)).content.decode()
    assert user_page(colleague, "password/") not in html
    assert 'href="../password/"' not in html
    assert 'name="email"' not in html

    client.post(user_page(colleague), {"username": "colleague", "email": "owner@example.org"})
    assert User.objects.get(pk=colleague.pk).email == "colleague@example.org"


def test_ones_own_password_changes_on_the_account_page(client: Client, owner: User) -> None:
    sign_in(client, owner, fresh_password=True)
    response = client.get(user_page(owner, "password/"))
    assert response.status_code == 302
    assert response["Location"] == "/office/account/password/change/"


def test_addresses_cannot_be_added_to_someone_elses_account(
    client: Client, owner: User, colleague: User
) -> None:
    sign_in(client, owner, fresh_password=True)
    response = client.post(
        "/office/admin/account/emailaddress/add/",
        {"user": str(colleague.pk), "email": "owner@example.org", "verified": "on"},
    )
    assert response.status_code == 403
    assert not EmailAddress.objects.filter(user=colleague).exists()


# Reset links


def test_it_emails_a_reset_link_to_the_person_alone(
    client: Client, owner: User, colleague: User
) -> None:
    sign_in(client, owner, fresh_password=True)
    mail.outbox.clear()

    html = run_action(client, "send_password_reset", colleague)

    assert "A link to choose a new password was emailed to colleague" in html
    assert [m.to for m in mail.outbox] == [["colleague@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "A link to choose a new password"
    found = re.search(r"https?://\S+/password/reset/key/\S+/", str(message.body))
    assert found is not None
    link = urlsplit(found.group(0)).path
    assert link not in html
    assert staff_events(colleague) == ["Sent a link to choose a new password"]
    event = AuditEvent.objects.get(target_uid=staff_uid(colleague))
    assert event.actor == owner
    assert event.client_uid is None
    assert link.rsplit("/", 2)[-2] not in event.summary

    # The person follows it and chooses a password of their own.
    person = Client()
    form = person.get(link, follow=True)
    assert form.status_code == 200
    set_password = form.redirect_chain[-1][0] if form.redirect_chain else link
    person.post(set_password, {"password1": "my-own-choice-42", "password2": "my-own-choice-42"})
    assert User.objects.get(pk=colleague.pk).check_password("my-own-choice-42")


def test_it_sends_no_link_to_an_account_without_an_address(
    client: Client, owner: User, colleague: User
) -> None:
    User.objects.filter(pk=colleague.pk).update(email="")
    sign_in(client, owner, fresh_password=True)
    mail.outbox.clear()

    html = run_action(client, "send_password_reset", colleague)

    assert "has no email address" in html
    assert mail.outbox == []
    assert staff_events(colleague) == []


# Second factors: removed by the owner, who cannot read them


def test_it_removes_a_second_factor_audits_and_tells_the_person(
    client: Client, owner: User, colleague: User, signed_in: object
) -> None:
    their_session = sign_in(Client(), colleague)
    sign_in(client, owner, fresh_password=True)
    mail.outbox.clear()

    html = run_action(client, "remove_second_factor", colleague)

    assert "second factor was removed; they were told by email" in html
    assert not Authenticator.objects.filter(user=colleague).exists()
    assert staff_events(colleague) == ["Removed the second factor"]
    assert [m.to for m in mail.outbox] == [["colleague@example.org"]]
    assert mail.outbox[0].subject == "Your sign-in was changed"
    # Their open session ends; the owner's own goes on.
    assert their_session.get("/office/").status_code == 302
    assert client.get(USERS).status_code == 200


def test_the_owner_changes_their_own_sign_in_elsewhere(client: Client, owner: User) -> None:
    sign_in(client, owner, fresh_password=True)

    html = run_action(client, "remove_second_factor", owner)

    assert "on your account pages" in html
    assert Authenticator.objects.filter(user=owner).count() == 2


# Deactivation instead of deletion


def test_it_never_deletes_an_account_with_audit_history(
    client: Client, owner: User, colleague: User
) -> None:
    AuditEvent.objects.create(
        actor=colleague,
        actor_name="colleague",
        action=AuditEvent.Action.VIEW,
        target_type="client",
        target_uid=staff_uid(owner),
        client_uid=None,
    )
    sign_in(client, owner, fresh_password=True)

    page = client.get(user_page(colleague, "delete/"), follow=True)
    confirmed = client.post(user_page(colleague, "delete/"), {"post": "yes"})
    listing = client.get(USERS).content.decode()
    bulk = client.post(
        USERS, {"action": "delete_selected", "_selected_action": [str(colleague.pk)], "post": "yes"}
    )

    assert page.status_code == 200
    assert "Accounts are not deleted" in page.content.decode()
    assert confirmed.status_code == 302
    assert bulk.status_code in {200, 302}
    assert "delete_selected" not in listing
    assert User.objects.filter(pk=colleague.pk).exists()
    assert AuditEvent.objects.filter(actor=colleague).count() == 1


def test_it_deactivates_ends_sessions_and_audits(
    client: Client, owner: User, colleague: User
) -> None:
    their_session = sign_in(Client(), colleague)
    assert their_session.get("/office/").status_code == 200
    sign_in(client, owner, fresh_password=True)

    html = run_action(client, "deactivate", colleague)

    assert "Colleague is deactivated and signed out everywhere" in html
    assert not User.objects.get(pk=colleague.pk).is_active
    assert staff_events(colleague) == ["Deactivated the account"]
    assert their_session.session.session_key is not None
    assert not Session.objects.filter(session_key=their_session.session.session_key).exists()
    assert their_session.get("/office/").status_code == 302


def test_a_deactivated_person_cannot_sign_in(client: Client, owner: User, colleague: User) -> None:
    sign_in(client, owner, fresh_password=True)
    run_action(client, "deactivate", colleague)
    assert not User.objects.get(pk=colleague.pk).is_active

    person = Client()
    person.post(LOGIN, {"login": "colleague", "password": "staff-password-123"})

    assert "_auth_user_id" not in person.session
    assert person.get("/office/")["Location"].startswith(LOGIN)


def test_reactivating_lets_them_sign_in_again(client: Client, owner: User, colleague: User) -> None:
    sign_in(client, owner, fresh_password=True)
    run_action(client, "deactivate", colleague)
    run_action(client, "reactivate", colleague)

    assert User.objects.get(pk=colleague.pk).is_active
    assert staff_events(colleague) == ["Deactivated the account", "Reactivated the account"]


def test_the_owner_cannot_deactivate_themselves(client: Client, owner: User) -> None:
    sign_in(client, owner, fresh_password=True)
    run_action(client, "deactivate", owner)
    assert User.objects.get(pk=owner.pk).is_active


# Who may do any of it


@pytest.mark.parametrize(
    ("who", "refused"),
    [
        # The manager works in the admin but has no rights over accounts.
        ("practice_manager", 403),
        # Clinicians and strangers are not admin staff at all: the admin asks them to sign in.
        ("colleague", 302),
        ("stranger", 302),
    ],
)
def test_no_one_but_the_owner_reaches_the_staff_actions(
    client: Client,
    who: str,
    refused: int,
    request: pytest.FixtureRequest,
    owner: User,
    colleague: User,
) -> None:
    user: User = request.getfixturevalue(who)
    sign_in(client, user, second_factor=who != "stranger", fresh_password=True)
    target = owner if who == "colleague" else colleague
    mail.outbox.clear()

    listing = client.get(USERS)
    actions = [
        client.post(USERS, {"action": action, "_selected_action": [str(target.pk)]})
        for action in ["send_password_reset", "remove_second_factor", "deactivate"]
    ]
    password = client.get(user_page(target, "password/"))

    assert [r.status_code for r in [listing, *actions, password]] == [refused] * 5
    assert User.objects.get(pk=target.pk).is_active
    assert Authenticator.objects.filter(user=target).count() == 2
    assert mail.outbox == []
    assert staff_events(target) == []


@pytest.mark.parametrize("who", ["practice_manager", "colleague"])
@pytest.mark.parametrize(
    "service", [staff_password_reset_send, staff_second_factor_remove, staff_deactivate]
)
def test_the_services_refuse_anyone_but_the_owner(
    who: str, service: Callable[..., object], request: pytest.FixtureRequest, owner: User
) -> None:
    actor: User = request.getfixturevalue(who)

    with pytest.raises(StaffAdminError, match="Only the practice owner"):
        service(request=None, actor=actor, user=owner)

    assert User.objects.get(pk=owner.pk).is_active
    assert Authenticator.objects.filter(user=owner).count() == 2
    assert mail.outbox == []
    assert staff_events(owner) == []


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, colleague: User) -> None:
    for path in [USERS, user_page(colleague, "password/"), user_page(colleague, "delete/")]:
        response = client.get(path, follow=True)
        assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert User.objects.filter(pk=colleague.pk, is_active=True).exists()


def test_reseal_moves_second_factor_secrets_to_the_newest_key(
    owner: User, settings: Settings
) -> None:
    old = Keyring.parse(settings.DATA_KEYS)
    newest = "rotated"
    settings.DATA_KEYS = Keyring(keys={newest: new_key(), **old.keys}, current=newest).format()

    out = StringIO()
    call_command("reseal_second_factors", stdout=out)

    assert "2 authenticators re-sealed" in out.getvalue()
    for row in Authenticator.objects.filter(user=owner):
        sealed = row.data.get("secret") or row.data["seed"]
        assert key_id_of(sealed) == newest
    # The old key can go: the second factor still works without it.
    ring = Keyring.parse(settings.DATA_KEYS)
    settings.DATA_KEYS = Keyring(keys={newest: ring.keys[newest]}, current=newest).format()
    totp = Authenticator.objects.get(user=owner, type=Authenticator.Type.TOTP)
    assert mfa_secret_open(totp.data["secret"]) == TEST_TOTP_SECRET


def test_the_staff_actions_ask_for_the_password_again(
    client: Client, owner: User, colleague: User
) -> None:
    sign_in(client, owner)

    response = client.post(USERS, {"action": "deactivate", "_selected_action": [str(colleague.pk)]})

    assert response.status_code == 302
    assert response["Location"].startswith("/office/account/reauthenticate/")
    assert User.objects.get(pk=colleague.pk).is_active
    assert staff_events(colleague) == []

    # Once the password is typed, the same action goes ahead.
    client.post(response["Location"], {"password": "owner-password-123"}, follow=True)
    assert not User.objects.get(pk=colleague.pk).is_active
    assert staff_events(colleague) == ["Deactivated the account"]
